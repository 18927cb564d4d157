"""The outbox dispatchers (workflows/outbox.py): one per channel and outbox queue, handing out
webhook deliveries and claimant e-mails fairly, each attempt an activity. Data definitions only."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from contracts.base import Contract

# The relays of an earlier design (one per subscription, retries slept inside activities):
# workers end any still running when they start (workers/outbox_worker.py).
LEGACY_OUTBOX_WORKFLOW_NAME = "OutboxRelayWorkflow"
OUTBOX_WORKFLOW_NAME = "OutboxDispatcher"
WAKE_SIGNAL = "wake"
# Rows queued again (a redelivery): the dispatcher looks now, and once more when any of them
# that an earlier attempt still holds is let go (a look never hands out a row in flight).
REQUEUE_SIGNAL = "requeue"


class OutboxChannel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


def dispatcher_id(channel: OutboxChannel, outbox_task_queue: str) -> str:
    """One dispatcher per channel and outbox queue: `outbox-webhook-<queue>`, `outbox-email-…`."""
    return f"outbox-{channel}-{outbox_task_queue}"


def dispatcher_start(
    channel: OutboxChannel, *, task_queue: str, pacing: dict[str, Any]
) -> dict[str, Any]:
    """`Client.start_workflow` arguments of a dispatcher: the API and the workers start the same."""
    relay = OutboxRelayInput(channel=channel, relay=task_queue, **pacing)
    return {
        "workflow": OUTBOX_WORKFLOW_NAME,
        "arg": relay,
        "id": dispatcher_id(channel, task_queue),
        "task_queue": task_queue,
    }


class OutboxRelayInput(Contract):
    """One dispatcher: every webhook delivery of its queue's subscriptions, or the e-mails.

    Its pacing is fixed when it starts and carried across continue-as-new.
    """

    channel: OutboxChannel
    relay: str = ""
    # Deliveries in flight at once, and for any one principal (webhooks): a principal whose
    # receivers hang holds at most its own share of the slots.
    max_in_flight: int = Field(default=16, ge=1)
    max_in_flight_per_principal: int = Field(default=4, ge=1)
    # An idle dispatcher waits this long between looks: new rows wake it with a signal and a
    # retry's due time by a timer, so this is only the safety sweep.
    sweep_s: float = Field(default=60.0, gt=0)
    attempt_timeout_s: float = Field(default=10.0, gt=0)


class DueInput(Contract):
    """Which outbox rows to hand out next: due now, none already in flight, fairly shared."""

    # The dispatcher asking (its outbox task queue): it serves the subscriptions made there.
    relay: str = ""
    exclude: list[int] = []
    limit: int
    # At most this many in flight for one principal (webhooks); None: no per-principal cap.
    per_principal: int | None = None


class DueResult(Contract):
    ids: list[int]
    # More rows are due than were handed out (slots or a principal's cap were full): look
    # again as soon as a delivery ends.
    capped: bool = False
    # Seconds until the next row waiting for a retry (or behind an open breaker) is due.
    next_due_in_s: float | None = None


class Requeued(Contract):
    """The rows a redelivery put back in the queue."""

    ids: list[int]


class OutboxItem(Contract):
    """One attempt at one row; the attempt itself records its outcome and schedules the next."""

    id: int


class AttemptResult(Contract):
    """What the dispatcher needs to know of an attempt it handed out."""

    # The attempt failed for now and scheduled its retry this many seconds ahead: the
    # dispatcher looks again then, not at its next sweep.
    retry_in_s: float | None = None
