"""What happens after one delivery attempt: delivered, tried again later, or dead-lettered.

The outbox (webhooks and claimant e-mails) must never let one bad message hold up another:
- a failure that can never succeed as things stand is permanent, and dead-letters at once;
- any other failure is transient: the message is scheduled for a later attempt
  (`next_attempt_at`, exponential back-off) and, while it waits, holds no relay slot;
- once the retry period is over, a transient failure dead-letters too.
Pure rules, no clock: the caller passes `now`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# A host that fails to resolve this many attempts in a row is taken to stay unresolvable.
UNRESOLVABLE_AFTER_ATTEMPTS = 3
# Request timeout and Too Many Requests: the receiver is there, but not now.
RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"


@dataclass(frozen=True)
class Pacing:
    """Back-off of transient failures: first_retry_s doubling up to max_retry_s, for a period."""

    first_retry_s: float = 1.0
    max_retry_s: float = 3_600.0
    retry_period_s: float = 86_400.0


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    error: str | None = None
    # When RETRY: the time the next attempt is due.
    next_attempt_at: dt.datetime | None = None


def http_failure_is_permanent(status: int) -> bool:
    """A 4xx (other than 408 and 429) is the receiver's final word on this message."""
    return 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS


def smtp_failure_is_permanent(code: int) -> bool:
    """SMTP 5xx is a permanent refusal (RFC 5321 §4.2.1); 4xx asks to try again later."""
    return code >= 500


def unresolvable_for_good(*, attempts_before: int, last_error: str | None, error: str) -> bool:
    """Whether a host that failed to resolve (`error`) should be taken as gone, not slow.

    It is once this attempt makes `UNRESOLVABLE_AFTER_ATTEMPTS` in a row that failed the same
    way: one failed lookup is a DNS hiccup; several in a row, spread over the back-off, are a
    name that no longer exists.
    """
    in_a_row = (last_error or "").startswith(error)
    return in_a_row and attempts_before + 1 >= UNRESOLVABLE_AFTER_ATTEMPTS


def retry_delay_s(attempts: int, pacing: Pacing) -> float:
    """The wait after the `attempts`-th failed attempt (1-based)."""
    exponent = min(max(attempts - 1, 0), 60)
    return float(min(pacing.first_retry_s * 2**exponent, pacing.max_retry_s))


def after_failure(
    *,
    error: str,
    permanent: bool,
    attempts: int,
    now: dt.datetime,
    period_started_at: dt.datetime,
    pacing: Pacing,
) -> Outcome:
    """The outcome of a failed attempt, `attempts` counting this one."""
    if permanent:
        return Outcome(Verdict.DEAD, error)
    due = now + dt.timedelta(seconds=retry_delay_s(attempts, pacing))
    if due > period_started_at + dt.timedelta(seconds=pacing.retry_period_s):
        return Outcome(Verdict.DEAD, f"{error} (retry period over)")
    return Outcome(Verdict.RETRY, error, next_attempt_at=due)
