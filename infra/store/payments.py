"""Payments: one per claim, in attempts, with an append-only ledger of money movements.

Unique keys carry exactly-once: one payment row per claim, one idempotency key per attempt, one
ledger entry per (claim, attempt, entry). A refused attempt is released by a compensating
ledger entry before the next attempt may reserve again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.payments import PaymentOrder
from infra.store import rows
from infra.tables import payment, payment_ledger

RESERVED = "reserved"
SETTLED = "settled"
RELEASED = "released"


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """The claim's one payment, as its latest attempt left it."""

    payment_id: uuid.UUID
    claim_id: uuid.UUID
    attempt: int
    idempotency_key: str
    amount: Decimal
    currency: str
    payee: str | None
    status: str
    rail_reference: str | None
    failure_reason: str | None
    created_at: dt.datetime
    settled_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One money movement of a claim's payment: reserve, settle or release."""

    claim_id: uuid.UUID
    attempt: int
    entry: str
    amount: Decimal
    currency: str
    note: str | None
    at: dt.datetime


def payment_id_for(claim_id: uuid.UUID) -> uuid.UUID:
    """Deterministic, so every attempt and retry lands on the very same payment row."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"claims-service:payment:{claim_id}")


# Built once (every payment runs them); each execute names its values. Where-clause parameters
# take `match_` names: SQLAlchemy keeps column names for the values a statement writes.
_LEDGER = (
    insert(payment_ledger)
    .inline()
    .on_conflict_do_nothing(constraint="uq_payment_ledger_claim_id_attempt_entry")
)
_GET = sa.select(payment).where(payment.c.claim_id == sa.bindparam("match_claim_id"))


def _reserve_statement() -> sa.Insert:
    stmt = insert(payment)
    return stmt.on_conflict_do_update(
        index_elements=[payment.c.claim_id],
        set_={
            **{k: stmt.excluded[k] for k in ("attempt", "idempotency_key", "amount", "payee")},
            "status": RESERVED,
            "failure_reason": None,
            "rail_reference": None,
        },
        where=sa.and_(payment.c.status == RELEASED, payment.c.attempt < stmt.excluded.attempt),
    )


_RESERVE = _reserve_statement()
_SETTLE = (
    sa.update(payment)
    .where(payment.c.claim_id == sa.bindparam("match_claim_id"), payment.c.status == RESERVED)
    .values(status=SETTLED, settled_at=sa.func.now())
    .returning(payment)
)


async def _ledger(
    conn: AsyncConnection, row: PaymentRow, entry: str, note: str | None = None
) -> None:
    await conn.execute(
        _LEDGER,
        {
            "claim_id": row.claim_id,
            "attempt": row.attempt,
            "entry": entry,
            "amount": row.amount,
            "currency": row.currency,
            "note": note,
        },
    )


async def reserve(*, conn: AsyncConnection, order: PaymentOrder) -> PaymentRow:
    """Reserve the claim's payment for the order's attempt; return the payment as it stands.

    A new attempt takes over the row only after the previous attempt was released; a settled
    payment is never touched again, so the caller sees it and pays nothing twice.
    """
    claim_id, attempt = order.claim_id, order.attempt
    values = {
        "payment_id": payment_id_for(claim_id),
        "claim_id": claim_id,
        "attempt": attempt,
        "idempotency_key": order.idempotency_key,
        "amount": order.amount,
        "currency": order.currency,
        "payee": order.payee,
        "status": RESERVED,
    }
    await conn.execute(_RESERVE, values)
    row = await get(conn=conn, claim_id=claim_id)
    if row is None:  # pragma: no cover - the upsert above guarantees a row
        raise RuntimeError(f"payment for claim {claim_id} vanished")
    if row.status == RESERVED and row.attempt == attempt:
        await _ledger(conn, row, "reserve")
    return row


async def settle(*, conn: AsyncConnection, claim_id: uuid.UUID, rail_reference: str) -> None:
    """Record that the rail paid the reserved attempt."""
    result = await conn.execute(
        _SETTLE, {"match_claim_id": claim_id, "rail_reference": rail_reference}
    )
    row = rows.one(PaymentRow, result.mappings().one_or_none())
    if row is not None:
        await _ledger(conn, row, "settle", rail_reference)


async def release(*, conn: AsyncConnection, claim_id: uuid.UUID, attempt: int, reason: str) -> None:
    """Compensate a refused attempt: release its reservation with a ledger entry."""
    released = (
        (
            await conn.execute(
                sa.update(payment)
                .where(
                    payment.c.claim_id == claim_id,
                    payment.c.attempt == attempt,
                    payment.c.status == RESERVED,
                )
                .values(status=RELEASED, failure_reason=reason)
                .returning(payment)
            )
        )
        .mappings()
        .one_or_none()
    )
    row = rows.one(PaymentRow, released)
    if row is not None:
        await _ledger(conn, row, "release", reason)


async def get(*, conn: AsyncConnection, claim_id: uuid.UUID) -> PaymentRow | None:
    """Return the claim's payment row, or None."""
    result = await conn.execute(_GET, {"match_claim_id": claim_id})
    return rows.one(PaymentRow, result.mappings().one_or_none())


async def ledger(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[LedgerRow]:
    """Return the claim's ledger entries in the order they were written."""
    result = await conn.execute(
        sa.select(payment_ledger)
        .where(payment_ledger.c.claim_id == claim_id)
        .order_by(payment_ledger.c.id)
    )
    return rows.every(LedgerRow, result.mappings())
