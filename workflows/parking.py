"""Where a claim waits when one of its steps cannot succeed, until an operator acts.

A step's activity fails in one of two ways that matter here (`activities/failures.py`):
- permanently (bad data, a bug): retrying cannot help, so the claim is parked in
  `needs_attention` and waits for an admin's `retry` update (after the data or the code was
  fixed) or a cancel;
- transiently for longer than the alert threshold (an outage): the claim keeps retrying, and is
  flagged with the `StepRetrying` search attribute so the outage is visible without being fatal.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio import workflow
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    CancelledError,
    FailureError,
    RetryState,
)

from claims.lifecycle import ErrorType


class ClaimCancelledError(Exception):
    """Raised inside the workflow at a wait or checkpoint once a cancel was accepted."""


class StepFailure:
    """What went wrong with a step, and whether retrying later can help.

    A plain class, not a dataclass: the sandbox imports this module afresh for every claim,
    and making a dataclass (it compiles its methods) cost more than the rest of the module.
    """

    __slots__ = ("error_type", "message", "transient")

    def __init__(self, *, transient: bool, error_type: str, message: str) -> None:
        self.transient = transient
        self.error_type = error_type
        self.message = message


def classify(err: FailureError) -> StepFailure | None:
    """How a failed step should be handled; None when its caller handles the failure."""
    if isinstance(err, CancelledError):
        return None  # the claim is being cancelled: not a failure of the step
    if not isinstance(err, ActivityError):
        # A local activity's failure arrives unwrapped once its retry policy is spent (an
        # ApplicationError, or a TimeoutError): non-retryable means permanent, anything else
        # a round of transient failures.
        permanent = isinstance(err, ApplicationError) and err.non_retryable
        error_type = (isinstance(err, ApplicationError) and err.type) or type(err).__name__
        return StepFailure(transient=not permanent, error_type=error_type, message=err.message)
    cause = err.cause
    error_type = cause.type if isinstance(cause, ApplicationError) and cause.type else "Error"
    message = cause.message if isinstance(cause, FailureError) else err.message
    if err.retry_state == RetryState.NON_RETRYABLE_FAILURE:
        if error_type == ErrorType.PAYMENT_REFUSED:
            return None  # a business answer: the payment saga compensates it
        return StepFailure(transient=False, error_type=error_type, message=message)
    if err.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED:
        return StepFailure(transient=True, error_type=error_type, message=message)
    return None


class Parking:
    """Steps parked now, and the operator's retry requests that release them."""

    def __init__(self, cancel_requested: Callable[[], bool]) -> None:
        self.parked = 0
        # Parked steps put back on their way (their `retried` event recorded), ever.
        self.resumed = 0
        self._retries = 0
        self._cancel_requested = cancel_requested

    def request_retry(self) -> int:
        """Release every parked step; returns the `resumed` count that means all are back."""
        self._retries += 1
        return self.resumed + self.parked

    async def wait_for_operator(self) -> bool:
        """Wait until an operator retries (True) or the claim is cancelled (False)."""
        seen = self._retries
        self.parked += 1
        try:
            await workflow.wait_condition(lambda: self._retries > seen or self._cancel_requested())
        finally:
            self.parked -= 1
        return self._retries > seen
