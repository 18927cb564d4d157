"""A per-process limit on model calls per second (an async token bucket).

The llm worker also asks Temporal to dispatch at most CLAIMS_LLM_MAX_RPS assessments a second
across every worker of the queue; this bucket additionally spaces the calls one worker makes
(re-asks and fallbacks included), so no burst reaches the provider.
"""

from __future__ import annotations

import asyncio
import time


class RateLimiter:
    def __init__(self, per_second: float | None) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next call may go out."""
        if not self._interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)
