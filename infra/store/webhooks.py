"""Webhook subscriptions and their delivery outbox.

`fan_out` runs inside the transaction that records a claim's step: the event is queued for each
subscription that may see the claim, or for none if the step rolls back. Deliveries are keyed by
(subscription, event id), so a retried step queues nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.lifecycle import EventType
from claims.webhooks import WEBHOOK_EVENT_OF, DeliveryStatus
from infra.tables import claim, webhook_delivery, webhook_subscription

MAX_ERROR_LENGTH = 500

_subscription = webhook_subscription.c
_delivery = webhook_delivery.c


async def create(
    *,
    conn: AsyncConnection,
    subscription_id: uuid.UUID,
    owner: str,
    sees_all: bool,
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
            sees_all=sees_all,
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


async def get(
    *, conn: AsyncConnection, subscription_id: uuid.UUID, owner: str | None = None
) -> RowMapping | None:
    """A live subscription; `owner` restricts it to that principal's (None: anyone's)."""
    result = await conn.execute(
        sa.select(webhook_subscription).where(
            _subscription.subscription_id == subscription_id, *_live(owner)
        )
    )
    return result.mappings().one_or_none()


async def list_for(*, conn: AsyncConnection, owner: str | None) -> Sequence[RowMapping]:
    """Live subscriptions, oldest first; `owner` None lists everyone's (admins)."""
    result = await conn.execute(
        sa.select(webhook_subscription)
        .where(*_live(owner))
        .order_by(_subscription.created_at, _subscription.subscription_id)
    )
    return result.mappings().all()


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


async def fan_out(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    step: int,
    event_type: EventType,
    event_id: str,
    at: dt.datetime,
) -> None:
    """Queue this step's event for every live subscription that asked for it and may see it.

    The claim's status is read in the same transaction, after this step moved it.
    """
    event = WEBHOOK_EVENT_OF.get(event_type)
    if event is None:
        return
    matching = (
        sa.select(
            _subscription.subscription_id,
            sa.literal(event_id),
            sa.literal(str(event)),
            claim.c.claim_id,
            sa.literal(step),
            claim.c.status,
            sa.literal(at, sa.DateTime(timezone=True)),
        )
        .select_from(webhook_subscription.join(claim, claim.c.claim_id == claim_id))
        .where(
            _subscription.deleted_at.is_(None),
            _subscription.events.any_() == str(event),
            sa.or_(_subscription.sees_all, _subscription.owner == claim.c.submitted_by),
        )
    )
    await conn.execute(
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


async def due(
    *, conn: AsyncConnection, subscription_id: uuid.UUID, exclude: Sequence[int], limit: int
) -> list[int]:
    """Pending deliveries of a subscription, oldest first, leaving out those in flight."""
    query = (
        sa.select(_delivery.delivery_id)
        .where(
            _delivery.subscription_id == subscription_id,
            _delivery.status == str(DeliveryStatus.PENDING),
        )
        .order_by(_delivery.delivery_id)
        .limit(limit)
    )
    if exclude:
        query = query.where(_delivery.delivery_id.not_in(list(exclude)))
    return list((await conn.execute(query)).scalars())


async def delivery_with_subscription(
    *, conn: AsyncConnection, delivery_id: int
) -> RowMapping | None:
    """One delivery with its subscription's url, secret and deletion time."""
    result = await conn.execute(
        sa.select(
            webhook_delivery,
            _subscription.url,
            _subscription.sealed_secret,
            _subscription.previous_sealed_secret,
            _subscription.secret_rotated_at,
            _subscription.deleted_at,
        )
        .join(webhook_subscription, _subscription.subscription_id == _delivery.subscription_id)
        .where(_delivery.delivery_id == delivery_id)
    )
    return result.mappings().one_or_none()


async def record_attempt(
    *,
    conn: AsyncConnection,
    delivery_id: int,
    status: DeliveryStatus | None,
    error: str | None,
) -> None:
    """Count one attempt: its error, and the new status if it settled the delivery."""
    values: dict[str, object] = {
        "attempts": _delivery.attempts + 1,
        "last_error": error[:MAX_ERROR_LENGTH] if error else None,
    }
    if status is DeliveryStatus.DELIVERED:
        values |= {"status": str(status), "delivered_at": sa.func.now()}
    await conn.execute(
        sa.update(webhook_delivery)
        .where(
            _delivery.delivery_id == delivery_id,
            _delivery.status == str(DeliveryStatus.PENDING),
        )
        .values(**values)
    )


async def settle(*, conn: AsyncConnection, delivery_id: int, status: DeliveryStatus) -> None:
    """Move a pending delivery to failed (dead letter) or cancelled."""
    values: dict[str, object] = {"status": str(status)}
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


async def list_deliveries(
    *,
    conn: AsyncConnection,
    subscription_id: uuid.UUID,
    status: DeliveryStatus | None,
    limit: int,
) -> Sequence[RowMapping]:
    """A subscription's deliveries, newest first."""
    query = (
        sa.select(webhook_delivery)
        .where(_delivery.subscription_id == subscription_id)
        .order_by(_delivery.delivery_id.desc())
        .limit(limit)
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
        .values(status=str(DeliveryStatus.PENDING), failed_at=None)
    )
    return result.rowcount == 1
