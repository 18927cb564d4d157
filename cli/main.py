"""The `claims` command: dev, api, worker, migrate, healthcheck, keys, deploy, replay."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from functools import partial
from typing import NoReturn

from pydantic import ValidationError

from infra import logging as claims_logging
from infra.settings import Settings, get_settings


def _settings(
    *, needs_keys: bool = False, needs_database: bool = False, needs_temporal: bool = False
) -> Settings:
    """The configuration, checked whole before anything connects: a missing or invalid setting
    stops the process at once, naming the setting (retrying cannot fix configuration)."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise SystemExit(f"claims: invalid configuration: {_named(exc)}") from None
    problems = settings.production_problems(needs_keys=needs_keys, needs_database=needs_database)
    if problems:
        raise SystemExit("claims: refusing to start in prod: " + "; ".join(problems))
    if needs_temporal:
        try:
            # What every Temporal client needs besides the network: the ring, TLS and auth.
            settings.key_ring()
            settings.temporal_connection.connect_kwargs()
        except ValueError as exc:
            raise SystemExit(f"claims: invalid configuration: {exc}") from None
    return settings


def _named(error: ValidationError) -> str:
    """Each error with the environment variable it is about (`CLAIMS_ENCRYPTION_KEYS: ...`)."""
    messages = []
    for err in error.errors():
        message = str(err["msg"]).removeprefix("Value error, ")
        fields = [str(part) for part in err["loc"] if isinstance(part, str)]
        messages.append(f"CLAIMS_{fields[0].upper()}: {message}" if fields else message)
    return "; ".join(messages)


def _dev(_: argparse.Namespace) -> int:
    settings = _settings()
    if settings.env == "prod":
        raise SystemExit("claims dev runs embedded Temporal and Postgres: never in prod")
    try:
        from devstack.run import run_dev
    except ModuleNotFoundError as exc:
        # The image and the wheel carry no dev stack (the top-level devstack/ package, with
        # embedded Temporal and Postgres): only a development install from a clone has it.
        raise SystemExit(
            "claims dev needs the development install: in a clone, `make dev` (or `make "
            f"install`, then `claims dev`); {exc.name} is missing. A deployed process runs "
            "`api`, `worker` or `migrate` against a Temporal and a Postgres it is told of."
        ) from None
    from cli.deploy import dev_build_report
    from contracts.search_attributes import CLI_TYPES

    claims_logging.configure(settings.env, logging.WARNING)
    report = partial(dev_build_report, settings=settings)
    return asyncio.run(run_dev(settings, search_attributes=CLI_TYPES, build_report=report))


def _api(_: argparse.Namespace) -> int:
    import uvicorn

    from app.http.server import server_options
    from app.main import create_app
    from infra.telemetry import configure_tracing

    settings = _settings(needs_keys=True, needs_database=True, needs_temporal=True)
    claims_logging.configure(settings.env)
    configure_tracing(settings, "claims-api")
    uvicorn.run(create_app(settings), **server_options(settings))
    return 0


def _worker(args: argparse.Namespace) -> int:
    from workers.run import run_worker

    # The llm worker writes nothing and reads documents only when a database is configured.
    settings = _settings(needs_database=args.queue == "claims", needs_temporal=True)
    claims_logging.configure(settings.env)
    code = asyncio.run(run_worker(settings, args.queue))
    # The worker has shut down cleanly by now.
    _leave(code)


def _leave(code: int) -> NoReturn:
    """Exit without interpreter finalization, for a process that held a Temporal client.

    The Temporal core's native threads can still call into Python while it tears down and
    abort the process (SIGABRT) instead of exiting with our code.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _migrate(_: argparse.Namespace) -> int:
    from infra.migrate import upgrade

    settings = _settings(needs_database=True)
    claims_logging.configure(settings.env)
    if settings.database_url is None:
        raise SystemExit("claims migrate: set CLAIMS_DATABASE_URL")
    upgrade(settings.database_url)
    print("claims migrate: database schema is at head")
    return 0


def _documents(args: argparse.Namespace) -> int:
    from cli.documents import run

    settings = _settings(needs_database=True)
    claims_logging.configure(settings.env)
    return run(settings, args)


def _healthcheck(args: argparse.Namespace) -> int:
    """Container health: the API's /healthz answers, or this worker's heartbeat is fresh.

    A worker is ready while Temporal answers it (CLAIMS_WORKER_HEALTH_FILE, workers/health.py);
    `--live` asks only that its process still runs, so a Temporal outage marks workers unready
    without restarting every one of them.
    """
    import time

    import httpx

    from workers.health import read_heartbeat

    settings = get_settings()
    url = f"http://127.0.0.1:{settings.api_port}/healthz"
    try:
        if httpx.get(url, timeout=2).status_code == 200:
            print(f"healthy: {url}")
            return 0
    except httpx.HTTPError:
        pass
    path = settings.worker_health_file
    if path is None:
        print(f"unhealthy: nothing answered at {url}", file=sys.stderr)
        return 1
    beat = read_heartbeat(path)
    if beat is None:
        print(f"unhealthy: no API at {url} and no worker heartbeat in {path}", file=sys.stderr)
        return 1
    problem = beat.verdict(
        now=time.time(), interval_s=settings.worker_health_interval_s, live_only=args.live
    )
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy: worker " + ("running" if args.live else "connected to Temporal"))
    return 0


def _new_key(args: argparse.Namespace) -> int:
    """Print a strong key for a named principal: the plaintext once, and its digest entry."""
    from infra.api_keys import Role, new_key

    try:
        token_entry, digest_entry = new_key(Role(args.role), args.name)
    except ValueError as exc:
        raise SystemExit(f"claims keys new: {exc}") from None
    print(f"token (give it to the caller; shown once):\n  {token_entry.split(':', 1)[0]}")
    print(f"CLAIMS_API_KEYS entry, plaintext:\n  {token_entry}")
    print(f"CLAIMS_API_KEYS entry, digest only (preferred):\n  {digest_entry}")
    return 0


def _deploy(args: argparse.Namespace) -> int:
    from cli import deploy

    settings = _settings(needs_temporal=True)
    claims_logging.configure(settings.env, logging.WARNING)
    _leave(deploy.run(args, settings))


def _replay(args: argparse.Namespace) -> int:
    from cli import replay

    settings = _settings(needs_temporal=True)
    claims_logging.configure(settings.env, logging.WARNING)
    _leave(replay.run(args, settings))


def _eval(args: argparse.Namespace) -> int:
    from cli import evaluate

    settings = _settings()
    claims_logging.configure(settings.env, logging.WARNING)
    return evaluate.run(args, settings)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="claims", description="Durable insurance-claims service")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "dev", help="run the whole stack locally (embedded Temporal and Postgres)"
    ).set_defaults(run=_dev)
    commands.add_parser("api", help="run the REST API").set_defaults(run=_api)
    worker = commands.add_parser("worker", help="run one worker")
    worker.add_argument("--queue", choices=["claims", "llm"], required=True)
    worker.set_defaults(run=_worker)
    commands.add_parser("migrate", help="upgrade the database schema").set_defaults(run=_migrate)
    health = commands.add_parser(
        "healthcheck", help="exit 0 when this container's API, or its worker, is healthy"
    )
    health.add_argument(
        "--live", action="store_true", help="a worker: only that it runs (liveness probe)"
    )
    health.set_defaults(run=_healthcheck)
    keys = commands.add_parser("keys", help="API keys").add_subparsers(dest="keys", required=True)
    new = keys.add_parser("new", help="print a new strong key and its sha256: entry")
    new.add_argument("--role", choices=["submitter", "adjuster", "admin"], required=True)
    new.add_argument("--name", required=True, help="the principal the key acts as")
    new.set_defaults(run=_new_key)
    from cli.deploy import add_commands

    add_commands(commands)
    commands.choices["deploy"].set_defaults(run=_deploy)
    from cli.replay import add_command

    add_command(commands)
    commands.choices["replay"].set_defaults(run=_replay)
    from cli.documents import add_command as add_documents

    add_documents(commands)
    commands.choices["documents"].set_defaults(run=_documents)
    from cli.evaluate import add_command as add_eval

    add_eval(commands)
    commands.choices["eval"].set_defaults(run=_eval)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
