"""Webhook subscriptions: made, read with what pauses them, retired, their secrets rotated;
their delivery history as the owner reads it, and a dead letter queued again.

What a subscription may hear is decided at delivery (infra/store/deliveries.py) from its
owner's current role, never fixed when it was made.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.webhooks import DeliveryStatus
from infra.store import rows
from infra.store.receivers import same_receiver
from infra.tables import (
    claim,
    principal,
    webhook_delivery,
    webhook_receiver,
    webhook_subscription,
)

STAFF_ROLES = ("adjuster", "admin")

_subscription = webhook_subscription.c
_delivery = webhook_delivery.c
_receiver = webhook_receiver.c
_principal = principal.c


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    """A subscription with what may pause it: its receiver's breaker, its owner's standing."""

    subscription_id: uuid.UUID
    owner: str
    relay: str
    host: str
    url: str
    events: list[str]
    description: str
    created_at: dt.datetime
    secret_rotated_at: dt.datetime | None
    breaker_open_until: dt.datetime | None
    breaker_error: str | None
    owner_active: bool | None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A delivery as its subscription's owner reads it."""

    delivery_id: int
    event_id: str
    event_type: str
    claim_id: uuid.UUID
    status: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    failed_at: dt.datetime | None


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
) -> None:
    await conn.execute(
        sa.insert(webhook_subscription).values(
            subscription_id=subscription_id,
            owner=owner,
            relay=relay,
            host=host,
            url=url,
            events=list(events),
            description=description,
            sealed_secret=sealed_secret,
        )
    )


def _live(owner: str | None) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [_subscription.deleted_at.is_(None)]
    if owner is not None:
        conditions.append(_subscription.owner == owner)
    return conditions


def _with_state() -> sa.Select[Any]:
    """Subscriptions with what pauses them: their receiver's breaker, their owner's standing."""
    return sa.select(
        webhook_subscription,
        _receiver.open_until.label("breaker_open_until"),
        _receiver.last_error.label("breaker_error"),
        _principal.active.label("owner_active"),
    ).select_from(
        webhook_subscription.outerjoin(webhook_receiver, same_receiver()).outerjoin(
            principal, _principal.name == _subscription.owner
        )
    )


async def get(
    *, conn: AsyncConnection, subscription_id: uuid.UUID, owner: str | None = None
) -> SubscriptionRow | None:
    """A live subscription; `owner` restricts it to that principal's (None: anyone's)."""
    result = await conn.execute(
        _with_state().where(_subscription.subscription_id == subscription_id, *_live(owner))
    )
    return rows.one(SubscriptionRow, result.mappings().one_or_none())


async def list_for(*, conn: AsyncConnection, owner: str | None) -> list[SubscriptionRow]:
    """Live subscriptions, oldest first; `owner` None lists everyone's (admins)."""
    result = await conn.execute(
        _with_state()
        .where(*_live(owner))
        .order_by(_subscription.created_at, _subscription.subscription_id)
    )
    return rows.every(SubscriptionRow, result.mappings())


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


async def list_for_subscription(
    *,
    conn: AsyncConnection,
    subscription_id: uuid.UUID,
    status: DeliveryStatus | None,
    limit: int,
    claims_of: str | None = None,
) -> list[DeliveryRow]:
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
    return rows.every(DeliveryRow, (await conn.execute(query)).mappings())


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
