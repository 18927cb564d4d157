"""The webhook outbox: one delivery per (subscription, event), and each attempt's progress.

`fan_out` runs inside the transaction that records a claim's step: the event is queued for each
subscription that may see the claim, or for none if the step rolls back. Deliveries are keyed by
(subscription, event id), so a retried step queues nothing twice. The dispatcher takes due rows
fairly (`due`); each attempt reads what it needs (`for_attempt`) and records its outcome.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.delivery import Outcome
from claims.lifecycle import EventType
from claims.webhooks import WEBHOOK_EVENT_OF, DeliveryStatus
from infra.store import outbox_progress, rows
from infra.store.outbox_progress import clipped
from infra.store.receivers import same_receiver
from infra.store.subscriptions import STAFF_ROLES
from infra.tables import claim, principal, webhook_delivery, webhook_receiver, webhook_subscription

_subscription = webhook_subscription.c
_delivery = webhook_delivery.c
_receiver = webhook_receiver.c
_principal = principal.c
_PENDING = _delivery.status == str(DeliveryStatus.PENDING)


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """What one attempt needs: the event, the receiver and its secrets, and who may hear it
    (the owner's role now, and the claim's submitter)."""

    delivery_id: int
    subscription_id: uuid.UUID
    event_id: str
    event_type: str
    claim_id: uuid.UUID
    step: int
    claim_status: str
    occurred_at: dt.datetime
    status: str
    attempts: int
    last_error: str | None
    period_started_at: dt.datetime
    url: str
    host: str
    owner: str
    sealed_secret: str
    previous_sealed_secret: str | None
    secret_rotated_at: dt.datetime | None
    deleted_at: dt.datetime | None
    owner_role: str | None
    owner_active: bool | None
    submitted_by: str | None
    claim_number: str | None


def _fan_out_statement() -> sa.Insert:
    """Built once: every recorded step runs it, and building it cost more than running it."""
    matching = (
        sa.select(
            _subscription.subscription_id,
            sa.bindparam("event_id", type_=sa.String),
            sa.bindparam("event", type_=sa.String),
            claim.c.claim_id,
            sa.bindparam("step", type_=sa.Integer),
            claim.c.status,
            sa.bindparam("at", type_=sa.DateTime(timezone=True)),
        )
        .select_from(webhook_subscription.join(claim, claim.c.claim_id == sa.bindparam("claim_id")))
        .where(
            _subscription.deleted_at.is_(None),
            _subscription.events.any_() == sa.bindparam("event", type_=sa.String),
            # Who may hear is decided now, from the owner's current role.
            sa.or_(_principal.role.in_(STAFF_ROLES), _subscription.owner == claim.c.submitted_by),
        )
        .join(principal, sa.and_(_principal.name == _subscription.owner, _principal.active))
    )
    return (
        insert(webhook_delivery)
        .from_select(
            [
                "subscription_id",
                "event_id",
                "event_type",
                "claim_id",
                "step",
                "claim_status",
                "occurred_at",
            ],
            matching,
        )
        .on_conflict_do_nothing(constraint="uq_webhook_delivery_subscription_id_event_id")
    )


_FAN_OUT = _fan_out_statement()


async def fan_out(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    step: int,
    event_type: EventType,
    event_id: str,
    at: dt.datetime,
) -> int:
    """Queue this step's event for every live subscription that asked for it and may see it.

    The claim's status is read in the same transaction, after this step moved it.
    """
    event = WEBHOOK_EVENT_OF.get(event_type)
    if event is None:
        return 0
    result = await conn.execute(
        _FAN_OUT,
        {"claim_id": claim_id, "event_id": event_id, "event": str(event), "step": step, "at": at},
    )
    return int(result.rowcount or 0)


def _deliverable() -> sa.FromClause:
    return (
        webhook_delivery.join(
            webhook_subscription, _subscription.subscription_id == _delivery.subscription_id
        )
        .join(principal, _principal.name == _subscription.owner)
        .outerjoin(webhook_receiver, same_receiver())
    )


def _waiting(relay: str) -> list[sa.ColumnElement[bool]]:
    """Pending rows of live, unpaused subscriptions served by `relay` (due now or later)."""
    return [
        _PENDING,
        _subscription.relay == relay,
        _subscription.deleted_at.is_(None),
        _principal.active,
    ]


async def due(
    *,
    conn: AsyncConnection,
    relay: str,
    exclude: Sequence[int],
    limit: int,
    per_principal: int | None,
) -> tuple[list[int], bool]:
    """(rows to attempt now, whether more are due) for the dispatcher of `relay`.

    Fair: principals take turns (the first due row of each, then the second, ...), and no
    principal gets more than `per_principal` in flight counting those already out (`exclude`).
    Rows behind an open circuit breaker wait for it to close.
    """
    in_flight = list(exclude)
    busy = (
        sa.select(_subscription.owner, sa.func.count().label("n"))
        .select_from(
            webhook_delivery.join(
                webhook_subscription, _subscription.subscription_id == _delivery.subscription_id
            )
        )
        .where(_delivery.delivery_id.in_(in_flight))
        .group_by(_subscription.owner)
        .cte("busy")
    )
    turn = sa.func.row_number().over(
        partition_by=_subscription.owner,
        order_by=(_delivery.next_attempt_at, _delivery.delivery_id),
    )
    eligible = (
        sa.select(
            _delivery.delivery_id,
            _delivery.next_attempt_at,
            _subscription.owner,
            turn.label("turn"),
        )
        .select_from(_deliverable())
        .where(
            *_waiting(relay),
            _delivery.next_attempt_at <= sa.func.now(),
            sa.or_(_receiver.open_until.is_(None), _receiver.open_until <= sa.func.now()),
            _delivery.delivery_id.not_in(in_flight),
        )
        .cte("eligible")
    )
    cap = per_principal if per_principal is not None else 2**31
    fits = (eligible.c.turn + sa.func.coalesce(busy.c.n, 0) <= cap).label("fits")
    rows = (
        await conn.execute(
            sa.select(eligible.c.delivery_id, fits)
            .select_from(eligible.outerjoin(busy, busy.c.owner == eligible.c.owner))
            .order_by(
                sa.desc(fits), eligible.c.turn, eligible.c.next_attempt_at, eligible.c.delivery_id
            )
            .limit(limit + 1)
        )
    ).all()
    ids = [row.delivery_id for row in rows if row.fits][:limit]
    return ids, len(rows) > len(ids)


async def next_due_in_s(*, conn: AsyncConnection, relay: str) -> float | None:
    """Seconds until the next waiting row of `relay` is due (its retry, or its breaker closing)."""
    due_at = sa.func.greatest(
        _delivery.next_attempt_at, sa.func.coalesce(_receiver.open_until, _delivery.next_attempt_at)
    )
    result = await conn.execute(
        sa.select(sa.func.extract("epoch", sa.func.min(due_at) - sa.func.now()))
        .select_from(_deliverable())
        .where(*_waiting(relay), due_at > sa.func.now())
    )
    seconds = result.scalar_one_or_none()
    return float(seconds) if seconds is not None else None


async def for_attempt(*, conn: AsyncConnection, delivery_id: int) -> DeliveryAttempt | None:
    """One delivery with what its attempt needs."""
    result = await conn.execute(
        sa.select(
            webhook_delivery,
            _subscription.url,
            _subscription.host,
            _subscription.owner,
            _subscription.sealed_secret,
            _subscription.previous_sealed_secret,
            _subscription.secret_rotated_at,
            _subscription.deleted_at,
            _principal.role.label("owner_role"),
            _principal.active.label("owner_active"),
            claim.c.submitted_by,
            claim.c.claim_number,
        )
        .select_from(
            webhook_delivery.join(
                webhook_subscription, _subscription.subscription_id == _delivery.subscription_id
            )
            .outerjoin(principal, _principal.name == _subscription.owner)
            .join(claim, claim.c.claim_id == _delivery.claim_id)
        )
        .where(_delivery.delivery_id == delivery_id)
    )
    return rows.one(DeliveryAttempt, result.mappings().one_or_none())


_RECORD_OUTCOME = outbox_progress.record_statements(
    webhook_delivery,
    key=_delivery.delivery_id,
    still_open=[_PENDING],
    delivered={"status": str(DeliveryStatus.DELIVERED), "delivered_at": sa.func.now()},
    dead={"status": str(DeliveryStatus.FAILED)},
)


async def record_outcome(*, conn: AsyncConnection, delivery_id: int, outcome: Outcome) -> None:
    """Record one attempt: delivered, dead-lettered, or scheduled for `next_attempt_at`."""
    values = outbox_progress.outcome_values(delivery_id, outcome)
    await conn.execute(_RECORD_OUTCOME[outcome.verdict], values)


async def settle(
    *, conn: AsyncConnection, delivery_id: int, status: DeliveryStatus, reason: str | None = None
) -> None:
    """Move a pending delivery to cancelled (or failed) without an attempt."""
    values: dict[str, object] = {"status": str(status)}
    if reason is not None:
        values["last_error"] = clipped(reason)
    if status is DeliveryStatus.FAILED:
        values["failed_at"] = sa.func.now()
    await conn.execute(
        sa.update(webhook_delivery)
        .where(_delivery.delivery_id == delivery_id, _PENDING)
        .values(**values)
    )
