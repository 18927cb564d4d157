"""The payment activities and the rail adapters they pay through.

Exactly once: the claim's payment row is reserved under unique keys before the rail is called,
and the rail is asked with an idempotency key derived from the claim id and attempt, so a
retry, a second worker or a replay after a crash all land on the one payment. A rail that
refuses the payee ends the attempt with a non-retryable `PaymentRefused`; the workflow then
compensates with `release_payment` (a saga).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

import contracts as c
from activities.failures import classified
from claims.lifecycle import ErrorType
from infra.store import payments


class PaymentRefused(Exception):  # noqa: N818 - the rail's own word for its answer
    """The rail refused the transfer for a business reason: retrying cannot help."""


class PaymentRail(Protocol):
    """A payment rail that deduplicates transfers by idempotency key."""

    async def transfer(
        self, *, idempotency_key: str, amount: Decimal, currency: str, payee: str
    ) -> str:
        """Move the money; return the rail's reference. Raise PaymentRefused to refuse."""
        ...


class LedgerRail:
    """The built-in rail: settles at once, with a reference derived from the idempotency key.

    `blocked_payees` are accounts the rail refuses (closed, sanctioned, unverifiable), as a real
    rail would; configure it with CLAIMS_PAYMENT_BLOCKED_PAYEES.
    """

    def __init__(self, blocked_payees: Iterable[str] = ()) -> None:
        self.blocked_payees = {p.strip().lower() for p in blocked_payees if p.strip()}

    async def transfer(
        self, *, idempotency_key: str, amount: Decimal, currency: str, payee: str
    ) -> str:
        if payee.lower() in self.blocked_payees:
            raise PaymentRefused(f"payee account {payee} is refused by the payment rail")
        digest = hashlib.sha256(f"{idempotency_key}:{amount}:{currency}".encode()).hexdigest()
        return f"LEDGER-{digest[:20].upper()}"


class PaymentActivities:
    def __init__(self, engine: AsyncEngine, rail: PaymentRail) -> None:
        self._engine = engine
        self._rail = rail

    @activity.defn(name=c.PAY.name)
    async def pay_claim(self, request: c.PaymentInput) -> c.PaymentResult:
        """Reserve the claim's one payment, pay it through the rail, mark it settled."""
        async with classified(c.PAY.name):
            return await self._pay(request)

    async def _pay(self, request: c.PaymentInput) -> c.PaymentResult:
        async with self._engine.begin() as conn:
            row = await payments.reserve(conn=conn, order=request)
        if row.status == payments.SETTLED:
            activity.logger.info("payment already settled; returning it")
            reference = row.rail_reference
        elif row.status != payments.RESERVED or row.attempt != request.attempt:
            raise ApplicationError(
                f"payment attempt {request.attempt} conflicts with attempt {row.attempt} "
                f"({row.status})",
                type="PaymentConflict",
                non_retryable=True,
            )
        else:
            try:
                reference = await self._rail.transfer(
                    idempotency_key=row.idempotency_key,
                    amount=row.amount,
                    currency=row.currency,
                    payee=request.payee,
                )
            except PaymentRefused as refused:
                raise ApplicationError(
                    str(refused), type=ErrorType.PAYMENT_REFUSED, non_retryable=True
                ) from refused
            async with self._engine.begin() as conn:
                await payments.settle(
                    conn=conn, claim_id=request.claim_id, rail_reference=reference
                )
        return c.PaymentResult(
            payment_id=row.payment_id,
            amount=row.amount,
            currency=row.currency,
            rail_reference=reference,
        )

    @activity.defn(name=c.RELEASE.name)
    async def release_payment(self, request: c.ReleaseInput) -> None:
        """Compensation: release a refused attempt's reservation (idempotent)."""
        async with classified(c.RELEASE.name), self._engine.begin() as conn:
            await payments.release(
                conn=conn, claim_id=request.claim_id, attempt=request.attempt, reason=request.reason
            )
