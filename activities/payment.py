"""The payment activity and the rail adapters it pays through.

Exactly once: the payment row is reserved under a unique claim id and an idempotency key
derived from the claim id before the rail is called, and the rail is asked with that same key,
so a retry, a second worker or a replay after a crash all land on the one payment.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities import contracts as c
from infra.store import payments


class PaymentRail(Protocol):
    """A payment rail that deduplicates transfers by idempotency key."""

    async def transfer(self, *, idempotency_key: str, amount: Decimal, currency: str) -> str:
        """Move the money; return the rail's reference for the transfer."""
        ...


class LedgerRail:
    """The built-in rail: settles at once, with a reference derived from the idempotency key."""

    async def transfer(self, *, idempotency_key: str, amount: Decimal, currency: str) -> str:
        digest = hashlib.sha256(f"{idempotency_key}:{amount}:{currency}".encode()).hexdigest()
        return f"LEDGER-{digest[:20].upper()}"


class PaymentActivities:
    def __init__(self, engine: AsyncEngine, rail: PaymentRail) -> None:
        self._engine = engine
        self._rail = rail

    @activity.defn(name=c.PAY_CLAIM)
    async def pay_claim(self, request: c.PaymentInput) -> c.PaymentResult:
        """Reserve the claim's one payment row, pay it through the rail, mark it settled."""
        key = request.idempotency_key
        async with self._engine.begin() as conn:
            row = await payments.reserve(
                conn=conn,
                claim_id=request.claim_id,
                idempotency_key=key,
                amount=request.amount,
                currency=request.currency,
            )
        if row["status"] == payments.SETTLED:
            activity.logger.info("payment already settled; returning it")
            reference = row["rail_reference"]
        else:
            reference = await self._rail.transfer(
                idempotency_key=key, amount=row["amount"], currency=row["currency"]
            )
            async with self._engine.begin() as conn:
                await payments.mark_settled(
                    conn=conn, claim_id=request.claim_id, rail_reference=reference
                )
        return c.PaymentResult(
            payment_id=row["payment_id"],
            amount=row["amount"],
            currency=row["currency"],
            rail_reference=reference,
        )
