"""A worker's health as its container sees it: a small file the worker rewrites on a timer.

A worker serves no HTTP of its own, and its metrics port answers even while Temporal is
unreachable, so neither says whether the worker can work. Every `interval` the worker asks the
Temporal frontend's gRPC health service over its own connection (TLS and API key included)
and records two times:
- `live_at`: the worker's event loop ran (liveness: restart a wedged process);
- `connected_at`: Temporal last answered (readiness: the worker can take tasks).
`claims healthcheck` reads the file (compose healthchecks, Kubernetes probes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.service import RPCError

log = logging.getLogger(__name__)

# A heartbeat older than this many intervals is stale (one slow check is not an outage).
STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class Heartbeat:
    live_at: float
    connected_at: float | None

    def verdict(self, *, now: float, interval_s: float, live_only: bool) -> str | None:
        """None when healthy; otherwise why not."""
        stale = STALE_AFTER_INTERVALS * interval_s
        if now - self.live_at > stale:
            return f"the worker has not run for {now - self.live_at:.0f}s"
        if live_only:
            return None
        if self.connected_at is None:
            return "the worker has not reached Temporal yet"
        if now - self.connected_at > stale:
            return f"Temporal has not answered the worker for {now - self.connected_at:.0f}s"
        return None


def read_heartbeat(path: Path) -> Heartbeat | None:
    try:
        raw = json.loads(path.read_text())
        return Heartbeat(float(raw["live_at"]), raw["connected_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, beat: Heartbeat) -> None:
    # Written aside and renamed: a reader never sees half a file.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({"live_at": beat.live_at, "connected_at": beat.connected_at}))
    os.replace(partial, path)


async def _temporal_answers(client: Client, timeout_s: float) -> bool:
    try:
        return await client.service_client.check_health(timeout=timedelta(seconds=timeout_s))
    except (RPCError, TimeoutError, ConnectionError) as exc:
        # Unreachable, refused, timed out: "not connected", said by the caller's warning.
        log.info("Temporal health check failed: %s", exc)
        return False


async def keep_heartbeat(client: Client, path: Path, interval_s: float) -> None:
    """Rewrite the heartbeat every `interval_s` until cancelled; remove it when stopping."""
    connected_at: float | None = None
    try:
        while True:
            if await _temporal_answers(client, timeout_s=max(1.0, interval_s)):
                connected_at = time.time()
            elif connected_at is not None:
                log.warning("Temporal did not answer the worker's health check")
            try:
                _write(path, Heartbeat(time.time(), connected_at))
            except OSError as exc:
                log.warning("cannot write the health file %s: %s", path, exc.strerror)
            await asyncio.sleep(interval_s)
    finally:
        _remove(path)


def _remove(path: Path) -> None:
    # A stopped worker is not healthy, whatever the last beat said.
    with contextlib.suppress(OSError):
        path.unlink()
