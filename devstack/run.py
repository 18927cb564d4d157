"""`claims dev` in the foreground: start the stack, print the banner, watch until a signal."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from devstack.launcher import ChildDiedError, DevStack, say
from devstack.settings import DevStackSettings
from infra.settings import Settings

if TYPE_CHECKING:
    from temporalio.client import Client

# Lines about the claims worker's build for the banner, given a client of the stack's Temporal
# (cli/deploy.py: the launcher itself knows nothing of Worker Deployments).
BuildReport = Callable[["Client"], Awaitable[list[str]]]


async def run_dev(
    settings: Settings,
    *,
    search_attributes: Mapping[str, str],
    build_report: BuildReport | None = None,
) -> int:
    stack = DevStack(settings, DevStackSettings(), search_attributes)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        startup = asyncio.ensure_future(stack.start())
        stopper = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({startup, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if startup not in done:
            startup.cancel()
            say("interrupted during start-up; stopping")
            return 0
        stopper.cancel()
        startup.result()
        print(stack.banner(), flush=True)
        if build_report is not None:
            for line in await build_report(await stack._temporal_client()):
                print(line, flush=True)
        code = await stack.watch(stop)
        if code == 0:
            say("stopping")
        return code
    except ChildDiedError as died:
        say(f"{died.child.name} exited with code {died.code} during start-up")
        print(died.child.log_tail(), file=sys.stderr)
        return 1
    except RuntimeError as exc:
        say(f"start-up failed: {exc}")
        return 1
    finally:
        await asyncio.to_thread(stack.stop)
