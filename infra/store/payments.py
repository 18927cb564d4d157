"""Payments: at most one per claim, enforced by unique keys on claim id and idempotency key."""

from __future__ import annotations

import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.tables import payment

PENDING = "pending"
SETTLED = "settled"


def payment_id_for(idempotency_key: str) -> uuid.UUID:
    """Deterministic, so every attempt reserves the very same payment row."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"claims-service:{idempotency_key}")


async def reserve(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    idempotency_key: str,
    amount: Decimal,
    currency: str,
) -> RowMapping:
    """Insert the claim's pending payment unless one exists; return the claim's payment row."""
    await conn.execute(
        insert(payment)
        .values(
            payment_id=payment_id_for(idempotency_key),
            claim_id=claim_id,
            idempotency_key=idempotency_key,
            amount=amount,
            currency=currency,
            status=PENDING,
        )
        .on_conflict_do_nothing()
    )
    row = await get(conn=conn, claim_id=claim_id)
    if row is None:  # pragma: no cover - the insert above or an earlier one created it
        raise RuntimeError(f"payment for claim {claim_id} vanished")
    return row


async def mark_settled(*, conn: AsyncConnection, claim_id: uuid.UUID, rail_reference: str) -> None:
    """Record that the rail settled the claim's payment."""
    await conn.execute(
        sa.update(payment)
        .where(payment.c.claim_id == claim_id)
        .values(status=SETTLED, rail_reference=rail_reference, settled_at=sa.func.now())
    )


async def get(*, conn: AsyncConnection, claim_id: uuid.UUID) -> RowMapping | None:
    """Return the claim's payment row, or None."""
    result = await conn.execute(sa.select(payment).where(payment.c.claim_id == claim_id))
    return result.mappings().one_or_none()
