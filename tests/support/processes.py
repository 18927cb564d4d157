"""Real `claims` worker processes for tests, pointed at the session's servers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from temporalio.client import Client


def worker_process(
    queue: str,
    *,
    client: Client,
    log: Path,
    **env: str,
) -> subprocess.Popen[bytes]:
    """Start `claims worker --queue <queue>` with CLAIMS_* settings from `env`."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_")}
    variables |= {
        "CLAIMS_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    variables |= {f"CLAIMS_{k.upper()}": v for k, v in env.items()}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "cli", "worker", "--queue", queue],
            env=variables,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(*processes: subprocess.Popen[bytes] | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
