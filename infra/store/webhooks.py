"""Webhook subscriptions and their delivery outbox.

`fan_out` runs inside the transaction that records a claim's step: the event is queued for each
subscription that may see the claim, or for none if the step rolls back. Deliveries are keyed by
(subscription, event id), so a retried step queues nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.delivery import Outcome, Verdict
from claims.lifecycle import EventType
from claims.webhooks import WEBHOOK_EVENT_OF, DeliveryStatus
from infra.tables import claim, principal, webhook_delivery, webhook_receiver, webhook_subscription

MAX_ERROR_LENGTH = 500
STAFF_ROLES = ("adjuster", "admin")

_subscription = webhook_subscription.c
_delivery = webhook_delivery.c
_receiver = webhook_receiver.c
_principal = principal.c


async def count_live(*, conn: AsyncConnection, owner: str) -> int:
    """How many live subscriptions `owner` has, counted under a lock held to the commit.

    The lock (one per owner) makes check-then-insert safe: two concurrent creates by the same
    principal cannot both see room for one more.
    """
    await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(owner))))
    result = await conn.execute(
        sa.select(sa.func.count()).select_from(webhook_subscription).where(*_live(owner))
    )
    return int(result.scalar_one())


def may_see(role: str | None, owner: str, submitted_by: str | None) -> bool:
    """Whether a subscription's owner, with its current role, may hear about this claim."""
    return role in STAFF_ROLES or (role is not None and owner == submitted_by)


async def create(
    *,
    conn: AsyncConnection,
    subscription_id: uuid.UUID,
    owner: str,
    relay: str,
    host: str,
    url: str,
    events: Sequence[str],
    description: str,
    sealed_secret: str,
) -> RowMapping:
    result = await conn.execute(
        sa.insert(webhook_subscription)
        .values(
            subscription_id=subscription_id,
            owner=owner,
            relay=relay,
            host=host,
            url=url,
            events=list(events),
            description=description,
            sealed_secret=sealed_secret,
        )
        .returning(webhook_subscription)
    )
    row: RowMapping = result.mappings().one()
    return row


def _live(owner: str | None) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [_subscription.deleted_at.is_(None)]
    if owner is not None:
        conditions.append(_subscription.owner == owner)
    return conditions


def _same_receiver() -> sa.ColumnElement[bool]:
    """A subscription's breaker: its owner's, for its host (never another tenant's)."""
    return sa.and_(_receiver.owner == _subscription.owner, _receiver.host == _subscription.host)


def _with_state() -> sa.Select[Any]:
    """Subscriptions with what pauses them: their receiver's breaker, their owner's standing."""
    return sa.select(
        webhook_subscription,
        _receiver.open_until.label("breaker_open_until"),
        _receiver.last_error.label("breaker_error"),
        _principal.active.label("owner_active"),
    ).select_from(
        webhook_subscription.outerjoin(webhook_receiver, _same_receiver()).outerjoin(
            principal, _principal.name == _subscription.owner
        )
    )


async def get(
    *, conn: AsyncConnection, subscription_id: uuid.UUID, owner: str | None = None
) -> RowMapping | None:
    """A live subscription; `owner` restricts it to that principal's (None: anyone's)."""
    result = await conn.execute(
        _with_state().where(_subscription.subscription_id == subscription_id, *_live(owner))
    )
    row: RowMapping | None = result.mappings().one_or_none()
    return row


async def list_for(*, conn: AsyncConnection, owner: str | None) -> Sequence[RowMapping]:
    """Live subscriptions, oldest first; `owner` None lists everyone's (admins)."""
    result = await conn.execute(
        _with_state()
        .where(*_live(owner))
        .order_by(_subscription.created_at, _subscription.subscription_id)
    )
    rows: Sequence[RowMapping] = result.mappings().all()
    return rows


async def delete(*, conn: AsyncConnection, subscription_id: uuid.UUID) -> None:
    """Retire a subscription; its pending deliveries are cancelled, its history kept."""
    await conn.execute(
        sa.update(webhook_subscription)
        .where(_subscription.subscription_id == subscription_id)
        .values(deleted_at=sa.func.now())
    )
    await conn.execute(
        sa.update(webhook_delivery)
        .where(
            _delivery.subscription_id == subscription_id,
            _delivery.status == str(DeliveryStatus.PENDING),
        )
        .values(status=str(DeliveryStatus.CANCELLED))
    )


async def rotate_secret(
    *, conn: AsyncConnection, subscription_id: uuid.UUID, sealed_secret: str
) -> None:
    await conn.execute(
        sa.update(webhook_subscription)
        .where(_subscription.subscription_id == subscription_id)
        .values(
            previous_sealed_secret=_subscription.sealed_secret,
            sealed_secret=sealed_secret,
            secret_rotated_at=sa.func.now(),
        )
    )


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
        .outerjoin(webhook_receiver, _same_receiver())
    )


def _waiting(relay: str) -> list[sa.ColumnElement[bool]]:
    """Pending rows of live, unpaused subscriptions served by `relay` (due now or later)."""
    return [
        _delivery.status == str(DeliveryStatus.PENDING),
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


async def delivery_with_subscription(
    *, conn: AsyncConnection, delivery_id: int
) -> RowMapping | None:
    """One delivery with what its attempt needs: url and secrets, owner's role, claim's owner."""
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
    return result.mappings().one_or_none()


async def record_outcome(
    *,
    conn: AsyncConnection,
    delivery_id: int,
    outcome: Outcome,
    counts_attempt: bool = True,
) -> None:
    """Record one attempt: delivered, dead-lettered, or scheduled for `next_attempt_at`."""
    values: dict[str, object] = {
        "last_error": outcome.error[:MAX_ERROR_LENGTH] if outcome.error else None,
    }
    if counts_attempt:
        values["attempts"] = _delivery.attempts + 1
    if outcome.verdict is Verdict.DELIVERED:
        values |= {"status": str(DeliveryStatus.DELIVERED), "delivered_at": sa.func.now()}
    elif outcome.verdict is Verdict.DEAD:
        values |= {"status": str(DeliveryStatus.FAILED), "failed_at": sa.func.now()}
    else:
        values["next_attempt_at"] = outcome.next_attempt_at
    await conn.execute(
        sa.update(webhook_delivery)
        .where(
            _delivery.delivery_id == delivery_id,
            _delivery.status == str(DeliveryStatus.PENDING),
        )
        .values(**values)
    )


async def settle(
    *, conn: AsyncConnection, delivery_id: int, status: DeliveryStatus, reason: str | None = None
) -> None:
    """Move a pending delivery to cancelled (or failed) without an attempt."""
    values: dict[str, object] = {"status": str(status)}
    if reason is not None:
        values["last_error"] = reason[:MAX_ERROR_LENGTH]
    if status is DeliveryStatus.FAILED:
        values["failed_at"] = sa.func.now()
    await conn.execute(
        sa.update(webhook_delivery)
        .where(
            _delivery.delivery_id == delivery_id,
            _delivery.status == str(DeliveryStatus.PENDING),
        )
        .values(**values)
    )


async def receiver_answered(*, conn: AsyncConnection, owner: str, host: str) -> None:
    """The receiver answered `owner` (2xx or a final 4xx): that owner's breaker closes."""
    await conn.execute(
        insert(webhook_receiver)
        .values(owner=owner, host=host, failures=0)
        .on_conflict_do_update(
            index_elements=[_receiver.owner, _receiver.host],
            set_={
                "failures": 0,
                "open_until": None,
                "last_error": None,
                "updated_at": sa.func.now(),
            },
            where=_receiver.failures > 0,
        )
    )


async def receiver_failed(
    *, conn: AsyncConnection, owner: str, host: str, error: str, threshold: int, cooldown_s: float
) -> bool:
    """Count a failure of the receiver for `owner`; return whether this one opened its breaker."""
    opens_at = sa.func.now() + sa.func.make_interval(0, 0, 0, 0, 0, 0, cooldown_s)
    failures = _receiver.failures + 1
    result = await conn.execute(
        insert(webhook_receiver)
        .values(owner=owner, host=host, failures=1, last_error=error[:MAX_ERROR_LENGTH])
        .on_conflict_do_update(
            index_elements=[_receiver.owner, _receiver.host],
            set_={
                "failures": failures,
                "last_error": error[:MAX_ERROR_LENGTH],
                "updated_at": sa.func.now(),
                "open_until": sa.case(
                    (failures >= threshold, opens_at), else_=_receiver.open_until
                ),
            },
        )
        .returning(_receiver.failures)
    )
    failures_now: int = result.scalar_one()
    return failures_now == threshold


async def resume(*, conn: AsyncConnection, owner: str, host: str) -> None:
    """Close `owner`'s breaker for a receiver now (the owner says the receiver is back)."""
    await conn.execute(
        sa.update(webhook_receiver)
        .where(_receiver.owner == owner, _receiver.host == host)
        .values(failures=0, open_until=None, updated_at=sa.func.now())
    )


async def list_deliveries(
    *,
    conn: AsyncConnection,
    subscription_id: uuid.UUID,
    status: DeliveryStatus | None,
    limit: int,
    claims_of: str | None = None,
) -> Sequence[RowMapping]:
    """A subscription's deliveries, newest first (`claims_of`: only that submitter's claims)."""
    query = (
        sa.select(webhook_delivery)
        .where(_delivery.subscription_id == subscription_id)
        .order_by(_delivery.delivery_id.desc())
        .limit(limit)
    )
    if claims_of is not None:
        query = query.join(claim, claim.c.claim_id == _delivery.claim_id).where(
            claim.c.submitted_by == claims_of
        )
    if status is not None:
        query = query.where(_delivery.status == str(status))
    return (await conn.execute(query)).mappings().all()


async def redeliver(*, conn: AsyncConnection, subscription_id: uuid.UUID, delivery_id: int) -> bool:
    """Put a dead-lettered delivery back in the queue with a fresh retry period."""
    result = await conn.execute(
        sa.update(webhook_delivery)
        .where(
            _delivery.delivery_id == delivery_id,
            _delivery.subscription_id == subscription_id,
            _delivery.status == str(DeliveryStatus.FAILED),
        )
        .values(
            status=str(DeliveryStatus.PENDING),
            failed_at=None,
            next_attempt_at=sa.func.now(),
            period_started_at=sa.func.now(),
        )
    )
    return result.rowcount == 1
