"""Postgres tables (SQLAlchemy Core). Alembic migrations create them; this mirrors the schema.

Uniqueness carries the exactly-once guarantees: one claim row per claim id, one audit event per
(claim, step), one decision per (claim, step), one payment per claim, one notification per
(claim, step). Activities insert with ON CONFLICT DO NOTHING, so a retried attempt is harmless.
"""

from infra.tables.access import principal, ui_session
from infra.tables.claims import (
    claim,
    claim_event,
    claim_key,
    decision,
    document,
    policy,
    shadow_assessment,
    shadow_spend,
)
from infra.tables.outbox import (
    notification,
    webhook_delivery,
    webhook_receiver,
    webhook_subscription,
)
from infra.tables.payments import payment, payment_ledger
from infra.tables.schema import MONEY, NOW, metadata, outbox_progress
from infra.tables.teamwork import claim_assignment, claim_number, claim_number_counter, staff_event

__all__ = [
    "MONEY",
    "NOW",
    "claim",
    "claim_assignment",
    "claim_event",
    "claim_key",
    "claim_number",
    "claim_number_counter",
    "decision",
    "document",
    "metadata",
    "notification",
    "outbox_progress",
    "payment",
    "payment_ledger",
    "policy",
    "principal",
    "shadow_assessment",
    "shadow_spend",
    "staff_event",
    "ui_session",
    "webhook_delivery",
    "webhook_receiver",
    "webhook_subscription",
]
