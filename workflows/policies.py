"""Timeouts and retry policies for every activity the claim workflow calls.

Postgres writes retry without an attempt cap: a database outage should pause claims, never fail
them. The LLM call is bounded: once its attempts are spent the claim goes to a human instead.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from claims.lifecycle import ErrorType

# Postgres writes take milliseconds; a worker that died mid-write is retried elsewhere soon.
DB_TIMEOUT = timedelta(seconds=15)
DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
)

PAYMENT_TIMEOUT = timedelta(seconds=30)
PAYMENT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    # The rail refusing the payee is a business answer, not an outage: retrying cannot help.
    non_retryable_error_types=[ErrorType.PAYMENT_REFUSED],
)

NOTIFY_TIMEOUT = timedelta(seconds=30)
NOTIFY_RETRY = DB_RETRY

# Headroom over the per-call LLM timeout for validation re-asks inside one attempt.
LLM_ATTEMPT_HEADROOM = timedelta(seconds=30)
LLM_TOTAL_TIMEOUT = timedelta(minutes=15)
# The assessment heartbeats while it waits for the model, so a dead llm worker is noticed in
# seconds (and the call retried on another) and a cancelled claim stops its call promptly.
LLM_HEARTBEAT_TIMEOUT = timedelta(seconds=10)


def llm_retry(max_attempts: int) -> RetryPolicy:
    """Backoff between assessment attempts; a provider's Retry-After overrides the interval."""
    return RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
        maximum_attempts=max_attempts,
        # Every model refused the request itself, or the documents cannot be read here.
        non_retryable_error_types=[ErrorType.MODEL_UNAVAILABLE, ErrorType.DOCUMENTS_UNAVAILABLE],
    )
