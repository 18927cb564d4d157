"""Notification outbox: a row per message; a relay (outside this service) delivers them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from activities.contracts import NotificationInput
from infra.tables import claim, notification


async def enqueue(*, conn: AsyncConnection, message: NotificationInput) -> None:
    """Queue a message to the claimant unless this step already queued one."""
    recipient = sa.select(claim.c.claimant_email).where(claim.c.claim_id == message.claim_id)
    await conn.execute(
        insert(notification)
        .from_select(
            ["claim_id", "step", "kind", "recipient", "payload"],
            sa.select(
                sa.literal(message.claim_id, sa.Uuid),
                sa.literal(message.step),
                sa.literal(message.kind),
                recipient.scalar_subquery(),
                sa.literal(message.payload, sa.dialects.postgresql.JSONB),
            ),
        )
        .on_conflict_do_nothing(constraint="uq_notification_claim_id_step")
    )
