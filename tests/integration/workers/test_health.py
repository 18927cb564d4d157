"""The worker heartbeat `claims healthcheck` reads (workers/health.py), with a real server."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from pathlib import Path

from temporalio.client import Client

from tools.waiting import wait_for
from workers.health import Heartbeat, keep_heartbeat, read_heartbeat


def test_a_fresh_heartbeat_is_ready_and_a_stale_one_says_why():
    beat = Heartbeat(live_at=100.0, connected_at=95.0)
    assert beat.verdict(now=110.0, interval_s=10, live_only=False) is None
    away = Heartbeat(live_at=140.0, connected_at=95.0)
    assert "has not answered the worker for 45s" in str(
        away.verdict(now=140.0, interval_s=10, live_only=False)
    )
    # Live (the loop runs) while Temporal is away: not restarted, only taken out of rotation.
    assert away.verdict(now=140.0, interval_s=10, live_only=True) is None
    assert "not run for" in str(beat.verdict(now=200.0, interval_s=10, live_only=True))
    never = Heartbeat(live_at=100.0, connected_at=None)
    assert "not reached Temporal yet" in str(never.verdict(now=100, interval_s=10, live_only=False))


def test_a_missing_or_garbled_heartbeat_reads_as_none(tmp_path: Path):
    path = tmp_path / "health"
    assert read_heartbeat(path) is None
    for garbage in ("", "{", '{"live_at": "soon"}', "[]", '{"connected_at": 1}'):
        path.write_text(garbage)
        assert read_heartbeat(path) is None, garbage


async def test_the_heartbeat_records_temporal_answering_and_is_removed_on_stop(
    client: Client, tmp_path: Path
):
    path = tmp_path / "health"
    task = asyncio.create_task(keep_heartbeat(client, path, interval_s=0.1))

    async def heartbeat() -> Heartbeat | None:
        return read_heartbeat(path)

    beat = await wait_for(
        heartbeat, lambda b: b is not None and b.connected_at is not None, what="a heartbeat"
    )
    assert beat is not None
    assert beat.connected_at is not None
    assert beat.live_at >= beat.connected_at
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert not path.exists()


def test_the_probe_command_loads_no_workflow_or_deployment_code():
    """`claims healthcheck` runs as a container probe with a timeout: its parser stays light."""
    probe = (
        "import sys, cli.main; cli.main.parser(); "
        "print(sorted(m for m in ('workflows.claim', 'workers.deployments', 'temporalio.worker')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "[]"
