"""The half of an outbox attempt that e-mails and webhooks share.

Each attempt reads its row, does nothing if the row is already settled (a retry after a success
the worker never reported), sends once, and records the outcome on the row in one transaction:
delivered; dead-lettered at once when the failure is permanent (claims/delivery.py); or
scheduled for a later attempt. Delivery failures are outcomes, not exceptions, so no attempt
sleeps in a retry holding a slot, and each is logged as one line. A crash between sending and
recording repeats the send with the same id (`webhook-id`, `Message-ID`): a receiver drops the
duplicate by it. Activity inputs are row ids only: no URL, secret or address passes Temporal.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import contracts as c
from claims.delivery import Outcome, Pacing, Verdict, after_failure
from infra.store.outbox_progress import Progress

log = logging.getLogger(__name__)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Failure:
    """Why one attempt failed, and whether another could succeed."""

    error: str
    permanent: bool
    # Whether the receiver itself failed (no answer, 5xx): what its circuit breaker counts.
    receiver_at_fault: bool = True


@dataclass(frozen=True)
class Attempt:
    """One attempt at a row: what it is (for the log), the row's progress, and the pacing."""

    what: str
    row_id: int
    progress: Progress
    pacing: Pacing

    @property
    def number(self) -> int:
        return self.progress.attempts + 1

    def outcome(self, failure: Failure | None) -> Outcome:
        if failure is None:
            return Outcome(Verdict.DELIVERED)
        return after_failure(
            error=failure.error,
            permanent=failure.permanent,
            attempts=self.number,
            now=now(),
            period_started_at=self.progress.period_started_at,
            pacing=self.pacing,
        )

    def finished(self, outcome: Outcome) -> c.AttemptResult:
        """Log the attempt in one line (no traceback: an expected failure is not a bug) and
        tell the dispatcher when the row is due again."""
        what, row, number = self.what, self.row_id, self.number
        if outcome.verdict is Verdict.DELIVERED:
            log.info("%s %d delivered (attempt %d)", what, row, number)
            return c.AttemptResult()
        if outcome.verdict is Verdict.DEAD or outcome.next_attempt_at is None:
            log.warning("%s %d dead-lettered (attempt %d): %s", what, row, number, outcome.error)
            return c.AttemptResult()
        wait = max((outcome.next_attempt_at - now()).total_seconds(), 0.0)
        log.warning(
            "%s %d attempt %d failed: %s; next in %.1f s", what, row, number, outcome.error, wait
        )
        return c.AttemptResult(retry_in_s=wait)
