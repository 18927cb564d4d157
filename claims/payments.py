"""A payment order: what the rail is asked to pay for a claim, once.

Idempotent by its key: derived from the claim id and the attempt, so every retry, worker and
replay asks the rail for the very same transfer.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


def payment_key(claim_id: uuid.UUID, attempt: int) -> str:
    return f"claim-{claim_id}-payment-{attempt}"


class PaymentOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

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
