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
# Transient failures are retried for ever, in rounds of `alert_after` attempts: after a round
# the claim is flagged as retrying (workflows/parking.py), then the next round starts. A
# permanent failure is non-retryable (activities/failures.py) and parks the claim instead.
DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
)


def db_retry(alert_after: int) -> RetryPolicy:
    """DB_RETRY in rounds of `alert_after` attempts (about 3 minutes for the default 10)."""
    return RetryPolicy(
        initial_interval=DB_RETRY.initial_interval,
        backoff_coefficient=DB_RETRY.backoff_coefficient,
        maximum_interval=DB_RETRY.maximum_interval,
        maximum_attempts=alert_after,
    )


PAYMENT_TIMEOUT = timedelta(seconds=30)


def payment_retry(alert_after: int) -> RetryPolicy:
    """Rail outages retry in rounds like database steps (the payment is idempotent)."""
    return RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
        maximum_attempts=alert_after,
        # The rail refusing the payee is a business answer, not an outage: retrying cannot help.
        non_retryable_error_types=[ErrorType.PAYMENT_REFUSED],
    )


NOTIFY_TIMEOUT = timedelta(seconds=30)

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


# Reading a claim's PDFs: each is bounded (pages, decompression), so a minute covers many. An
# object store that does not answer is retried for about five minutes, then the model is asked
# without the text (the claim never waits on a document for ever).
READ_FILES_TIMEOUT = timedelta(minutes=2)
# The reading heartbeats: a claims worker killed mid-read is replaced within this.
READ_FILES_HEARTBEAT = timedelta(seconds=10)
READ_FILES_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=8,
    non_retryable_error_types=[ErrorType.DOCUMENTS_UNAVAILABLE],
)


# An investigation's record tool (a read of Postgres): retried for about three minutes, then the
# model is told the tool is unavailable (counted as a call); never a parked or failed claim.
TOOL_TIMEOUT = timedelta(seconds=15)
TOOL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=10,
)
