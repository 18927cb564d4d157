"""Notification outbox: a row per message, sent to the claimant by the mail relay.

The relay (workflows/outbox.py) sends the claimant kinds; a row is sent once `sent_at` is set,
or dead-lettered once `failed_at` is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.messages import CLAIMANT_KINDS
from infra.tables import claim, notification


async def enqueue(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    step: int,
    kind: str,
    payload: dict[str, Any],
) -> None:
    """Queue a message to the claimant unless this step already queued one."""
    recipient = sa.select(claim.c.claimant_email).where(claim.c.claim_id == claim_id)
    await conn.execute(
        insert(notification)
        .from_select(
            ["claim_id", "step", "kind", "recipient", "payload"],
            sa.select(
                sa.literal(claim_id, sa.Uuid),
                sa.literal(step),
                sa.literal(kind),
                recipient.scalar_subquery(),
                sa.literal(payload, sa.dialects.postgresql.JSONB),
            ),
        )
        .on_conflict_do_nothing(constraint="uq_notification_claim_id_step")
    )


MAX_ERROR_LENGTH = 500
_unsent = (notification.c.sent_at.is_(None), notification.c.failed_at.is_(None))


async def due(*, conn: AsyncConnection, exclude: Sequence[int], limit: int) -> list[int]:
    """Claimant messages not yet sent nor given up on, oldest first, leaving out those in flight."""
    query = (
        sa.select(notification.c.id)
        .where(*_unsent, notification.c.kind.in_(sorted(CLAIMANT_KINDS)))
        .order_by(notification.c.id)
        .limit(limit)
    )
    if exclude:
        query = query.where(notification.c.id.not_in(list(exclude)))
    return list((await conn.execute(query)).scalars())


async def unsent(*, conn: AsyncConnection, notification_id: int) -> RowMapping | None:
    """The row, if it is still to be sent."""
    result = await conn.execute(
        sa.select(notification).where(notification.c.id == notification_id, *_unsent)
    )
    return result.mappings().one_or_none()


async def record_attempt(
    *, conn: AsyncConnection, notification_id: int, sent: bool, error: str | None
) -> None:
    values: dict[str, object] = {
        "attempts": notification.c.attempts + 1,
        "last_error": error[:MAX_ERROR_LENGTH] if error else None,
    }
    if sent:
        values["sent_at"] = sa.func.now()
    await conn.execute(
        sa.update(notification)
        .where(notification.c.id == notification_id, *_unsent)
        .values(**values)
    )


async def dead_letter(*, conn: AsyncConnection, notification_id: int) -> None:
    await conn.execute(
        sa.update(notification)
        .where(notification.c.id == notification_id, *_unsent)
        .values(failed_at=sa.func.now())
    )
