"""Real `claims` worker processes for tests, pointed at the session's servers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx
from temporalio.client import Client

from infra.settings import Settings
from tools.keys import SESSION_KEYS
from tools.waiting import wait_for


def _variables(client: Client, env: Mapping[str, str]) -> dict[str, str]:
    """The child's environment: ours without CLAIMS_* (but the object store's) and TEMPORAL_*,
    then `env`.

    `env` keys starting TEMPORAL_ pass as they are (the `temporal` CLI's configuration, which
    then decides where Temporal is); the others become CLAIMS_<KEY>. Without TEMPORAL_ keys the
    child reaches the client's server.
    """
    inherited = {
        k: v
        for k, v in os.environ.items()
        # The session's object store (tests/conftest.py) is every process's.
        if not k.startswith(("CLAIMS_", "TEMPORAL_")) or k.startswith("CLAIMS_DOCUMENTS_S3_")
    }
    temporal = {k: v for k, v in env.items() if k.startswith("TEMPORAL_")}
    if not temporal:
        temporal = {"CLAIMS_TEMPORAL_ADDRESS": client.service_client.config.target_host}
    claims = {"CLAIMS_ENCRYPTION_KEYS": SESSION_KEYS} | {
        f"CLAIMS_{k.upper()}": v for k, v in env.items() if not k.startswith("TEMPORAL_")
    }
    return inherited | temporal | {"LITELLM_LOCAL_MODEL_COST_MAP": "True"} | claims


def worker_process(
    queue: str,
    *,
    client: Client,
    log: Path,
    module: str = "cli",
    **env: str,
) -> subprocess.Popen[bytes]:
    """Start `claims worker --queue <queue>` with CLAIMS_* settings from `env`.

    `module` runs another entry point instead (tests/support/variant_worker.py: build B).
    """
    variables = _variables(client, env)
    command = [sys.executable, "-m", module]
    if module == "cli":
        command += ["worker", "--queue", queue]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=variables, stdout=out, stderr=subprocess.STDOUT)


def run_claims(*args: str, client: Client, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a `claims` command to its end (e.g. `deploy status`), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=_variables(client, env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def api_process(
    settings: Settings,
    *,
    client: Client,
    port: int,
    log: Path,
    **env: str,
) -> subprocess.Popen[bytes]:
    """Start `claims api` on `port`, on the task queues and database of `settings`."""
    of_settings = {
        "CLAIMS_DATABASE_URL": settings.database_url or "",
        "CLAIMS_TASK_QUEUE": settings.task_queue,
        "CLAIMS_LLM_TASK_QUEUE": settings.llm_task_queue,
        "CLAIMS_API_PORT": str(port),
        "CLAIMS_SIGN_IN_MAX_FAILURES": str(settings.sign_in_max_failures),
    }
    variables = of_settings | _variables(client, env)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "cli", "api"],
            env=variables,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def until_up(base: str) -> None:
    """Until the API at `base` answers its liveness probe."""
    async with httpx.AsyncClient(base_url=base) as http:
        await wait_for(
            lambda: http.get("/healthz"),
            lambda answered: answered.status_code == 200,
            what=f"the API at {base} to answer",
            every_s=0.2,
        )


def stop(*processes: subprocess.Popen[bytes] | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
