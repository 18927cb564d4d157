"""Failed sign-ins and 401s, counted per client address and per presented credential.

Past the limit a client gets 429 with `Retry-After` before its credentials are even looked at
(so a right guess is not told apart from a wrong one). Only requests that present a credential
(a bearer key, a session cookie, the sign-in form's key) count: one with none cannot be a guess.
Counts live in the API process (each replica limits on its own), in a sliding window.

What is counted, and why not a key prefix:
- per client address: any one client guessing waits after a few tries;
- per credential, by the SHA-256 of the whole presented value: one dead or leaked key replayed
  from many addresses is held too.
A wrong token never shares a count with a right one, so nobody can lock a real key out by
sending wrong keys that begin like it (as counting per prefix allowed), and a client that
presents its key correctly and has not failed itself is never refused. Guessing across many
addresses gains nothing either: a key from `claims keys new` is 256 random bits.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque

# Tries per window before the wait; a typo or two never trips it.
MAX_FAILURES = 10
WINDOW_S = 60.0
# Keys remembered at most (oldest dropped): the limiter's own memory is bounded.
MAX_TRACKED = 10_000


class FailureLimiter:
    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self._max = max_failures
        self._window = window_s
        self._failures: dict[str, deque[float]] = {}

    @staticmethod
    def keys(address: str | None, token: str | None) -> list[str]:
        keys = [f"addr:{address or '?'}"]
        if token:
            # The whole credential, hashed: never a part another credential could share.
            keys.append(f"key:{hashlib.sha256(token.encode()).hexdigest()}")
        return keys

    def retry_after(self, keys: list[str], now: float | None = None) -> int | None:
        """Seconds until these keys may try again, or None when they may now."""
        now = time.monotonic() if now is None else now
        waits = []
        for key in keys:
            seen = self._failures.get(key)
            if seen is None:
                continue
            while seen and seen[0] <= now - self._window:
                seen.popleft()
            if len(seen) >= self._max:
                waits.append(seen[0] + self._window - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for key in keys:
            seen = self._failures.pop(key, None) or deque()
            seen.append(now)
            self._failures[key] = seen  # re-inserted: most recently failed last
        while len(self._failures) > MAX_TRACKED:
            self._failures.pop(next(iter(self._failures)))
