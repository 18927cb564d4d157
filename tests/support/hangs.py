"""When a test outlives its timeout (pyproject's `timeout`), say which coroutines were waiting.

pytest-timeout's `signal` method fails the test with the main thread's stack, which for an async
test is the event loop's `select`: true, and useless. This fails it with the stack of every task
of the running loop and of every other thread in the message itself (a test process of
pytest-xdist shows its failures, not its terminal), so the await that never returned is named
in the CI log.
"""

from __future__ import annotations

import asyncio
import io
import signal
import sys
import threading
import traceback
from types import FrameType
from typing import Any

import pytest


def running_tasks() -> str:
    """Each pending task of the loop running on this thread, with its stack (or "")."""
    loop = asyncio._get_running_loop()
    if loop is None:
        return ""
    out = io.StringIO()
    for task in asyncio.all_tasks(loop):
        task.print_stack(limit=12, file=out)
    return out.getvalue()


def other_threads() -> str:
    current = threading.get_ident()
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    return "".join(
        f"thread {names.get(ident, ident)}:\n" + "".join(traceback.format_stack(frame, limit=12))
        for ident, frame in sys._current_frames().items()
        if ident != current
    )


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    if settings.method != "signal" or threading.current_thread() is not threading.main_thread():
        return None  # pytest-timeout's own timer

    def on_timeout(signum: int, frame: FrameType | None) -> None:
        __tracebackhide__ = True
        waiting = [("tasks still waiting", running_tasks()), ("other threads", other_threads())]
        told = "".join(f"\n--- {title} ---\n{text}" for title, text in waiting if text)
        pytest.fail(f"Timeout: still running after {settings.timeout:.0f} s{told}")

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    item.cancel_timeout = cancel  # type: ignore[attr-defined]
    signal.signal(signal.SIGALRM, on_timeout)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    return True
