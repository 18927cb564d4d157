"""How an activity reports a failure: transient ones retried, permanent ones not.

Temporal retries an activity until it succeeds unless the failure is non-retryable. A database
write that fails on bad data would fail the same way for ever, so it must not be retried: the
workflow parks the claim for an operator instead. Messages name the error class and SQLSTATE
only (`infra.db_errors.describe`): a database message carries the statement's parameters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio import activity
from temporalio.exceptions import ApplicationError

from claims.lifecycle import ErrorType
from infra import db_errors as failures


@asynccontextmanager
async def classified(step: str) -> AsyncIterator[None]:
    """Re-raise any error of the block as a retryable or a non-retryable ApplicationError."""
    try:
        yield
    except ApplicationError:
        raise  # already a business answer the activity chose
    except Exception as exc:
        described = failures.describe(exc)
        attempt = activity.info().attempt
        if failures.is_transient(exc):
            activity.logger.warning("%s: transient %s (attempt %d)", step, described, attempt)
            raise ApplicationError(
                f"{step}: {described}", type=ErrorType.TRANSIENT_FAILURE
            ) from None
        activity.logger.error("%s: permanent %s; the claim will be parked", step, described)
        raise ApplicationError(
            f"{step}: {described}", type=ErrorType.STEP_FAILED, non_retryable=True
        ) from None
