"""Paying a claim once (its idempotency key derived from the claim), and releasing a refused
payment's reservation. Data definitions only."""

from __future__ import annotations

import uuid
from decimal import Decimal

from contracts.base import Contract


class PaymentInput(Contract):
    claim_id: uuid.UUID
    # The workflow's payment attempt: 1, then 2 after a refused payment was compensated.
    attempt: int
    amount: Decimal
    currency: str
    payee: str

    @property
    def idempotency_key(self) -> str:
        """Derived from the claim id (and attempt): every retry and worker asks the same thing."""
        return payment_key(self.claim_id, self.attempt)


def payment_key(claim_id: uuid.UUID, attempt: int) -> str:
    return f"claim-{claim_id}-payment-{attempt}"


class ReleaseInput(Contract):
    """Compensation: release the reservation of a refused payment attempt."""

    claim_id: uuid.UUID
    attempt: int
    reason: str


class PaymentResult(Contract):
    payment_id: uuid.UUID
    amount: Decimal
    currency: str
    rail_reference: str
