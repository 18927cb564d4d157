"""The one way a test waits for something real to happen: read, check, and on timeout say
what was last seen (a bare timeout tells nobody why)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

_NOTHING = object()


class WaitTimeoutError(AssertionError):
    pass


async def wait_for(
    read: Callable[[], Awaitable[T]],
    done: Callable[[T], bool] = bool,
    *,
    what: str,
    timeout_s: float = 60.0,
    every_s: float = 0.1,
) -> T:
    """Call `read` until `done(value)`; return that value.

    After `timeout_s`, fail with `what` was awaited and the last value read (or the last
    exception `read` raised).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    last: object = _NOTHING
    while True:
        try:
            # A read that never answers (a server that accepts and stalls) ends at the deadline
            # too, rather than holding the test for ever.
            value = await asyncio.wait_for(read(), max(deadline - loop.time(), every_s))
        except TimeoutError:
            last = f"a read still unanswered at the deadline (last before it: {last!r})"
        except Exception as exc:  # a read that fails is something seen too, e.g. not up yet
            last = exc
        else:
            if done(value):
                return value
            last = value
        if loop.time() >= deadline:
            seen = "nothing" if last is _NOTHING else repr(last)
            raise WaitTimeoutError(f"waited {timeout_s:.0f}s for {what}; last saw: {seen[:2000]}")
        await asyncio.sleep(every_s)
