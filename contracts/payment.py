"""Paying a claim once (its idempotency key derived from the claim), and releasing a refused
payment's reservation. Data definitions only."""

from __future__ import annotations

import uuid
from decimal import Decimal

from claims.payments import PaymentOrder, payment_key
from contracts.base import Contract

__all__ = ["PaymentInput", "PaymentResult", "ReleaseInput", "payment_key"]


class PaymentInput(PaymentOrder, Contract):
    """The payment activity's input: the domain's payment order (claims/payments.py)."""


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
