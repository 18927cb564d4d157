"""Notification outbox: a row per message; a relay (outside this service) delivers them."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

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
