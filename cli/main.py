"""The `claims` command: dev, api, worker, migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from pydantic import ValidationError

from infra import logging as claims_logging
from infra.settings import Settings, get_settings


def _settings(*, needs_keys: bool = False, needs_database: bool = False) -> Settings:
    try:
        settings = get_settings()
    except ValidationError as exc:
        messages = "; ".join(str(err["msg"]) for err in exc.errors())
        raise SystemExit(f"claims: invalid configuration: {messages}") from exc
    problems = settings.production_problems(needs_keys=needs_keys, needs_database=needs_database)
    if problems:
        raise SystemExit("claims: refusing to start in prod: " + "; ".join(problems))
    return settings


def _dev(_: argparse.Namespace) -> int:
    from infra.devstack.launcher import run_dev
    from workflows.search_attributes import CLI_TYPES

    settings = _settings()
    if settings.env == "prod":
        raise SystemExit("claims dev runs embedded Temporal and Postgres: never in prod")
    claims_logging.configure(settings.env, logging.WARNING)
    return asyncio.run(run_dev(settings, search_attributes=CLI_TYPES))


def _api(_: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app
    from infra.telemetry import configure_tracing

    settings = _settings(needs_keys=True, needs_database=True)
    claims_logging.configure(settings.env)
    configure_tracing(settings, "claims-api")
    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    from workers.run import run_worker

    # The llm worker writes nothing and reads documents only when a database is configured.
    settings = _settings(needs_database=args.queue == "claims")
    claims_logging.configure(settings.env)
    code = asyncio.run(run_worker(settings, args.queue))
    # The worker has shut down cleanly by now. Leave without interpreter finalization: the
    # Temporal core's native threads can still call into Python while it tears down and abort
    # the process (SIGABRT) instead of exiting with our code.
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


def _healthcheck(_: argparse.Namespace) -> int:
    """Container HEALTHCHECK: the API's /healthz, or a worker's metrics port, answers."""
    import httpx

    settings = get_settings()
    urls = [f"http://127.0.0.1:{settings.api_port}/healthz"]
    if settings.worker_metrics_port is not None:
        urls.append(f"http://127.0.0.1:{settings.worker_metrics_port}/metrics")
    for url in urls:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                print(f"healthy: {url}")
                return 0
        except httpx.HTTPError:
            continue
    print(f"unhealthy: nothing answered at {', '.join(urls)}", file=sys.stderr)
    return 1


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
    commands.add_parser(
        "healthcheck", help="exit 0 when this container's API or worker answers"
    ).set_defaults(run=_healthcheck)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
