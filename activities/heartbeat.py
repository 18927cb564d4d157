"""Heartbeating while an activity awaits something slow."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")

HEARTBEAT_EVERY_S = 2.0


async def heartbeating(awaitable: Awaitable[T], every_s: float = HEARTBEAT_EVERY_S) -> T:
    """Await `awaitable`, heartbeating meanwhile.

    Heartbeats let Temporal notice a dead worker within the heartbeat timeout (and retry on
    another), and they are how a cancellation reaches the activity: it arrives as CancelledError
    here, and the slow call is cancelled with it.
    """
    if not activity.in_activity():  # the same call path outside a worker (`claims eval`)
        return await awaitable
    task = asyncio.ensure_future(awaitable)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every_s)
            if done:
                return task.result()
            activity.heartbeat()
    finally:
        if not task.done():
            task.cancel()
