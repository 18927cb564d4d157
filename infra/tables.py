"""Postgres tables (SQLAlchemy Core). Alembic migrations create them; this mirrors the schema.

Uniqueness carries the exactly-once guarantees: one claim row per claim id, one audit event per
(claim, step), one decision per (claim, step), one payment per claim, one notification per
(claim, step). Activities insert with ON CONFLICT DO NOTHING, so a retried attempt is harmless.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = sa.Numeric(14, 2)
NOW = sa.text("now()")

policy = sa.Table(
    "policy",
    metadata,
    sa.Column("policy_number", sa.Text, primary_key=True),
    sa.Column("holder_name", sa.Text, nullable=False),
    sa.Column("coverages", JSONB, nullable=False),
    sa.Column("coverage_limit", MONEY, nullable=False),
    sa.Column("deductible", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("effective_from", sa.Date, nullable=False),
    sa.Column("effective_to", sa.Date, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

claim = sa.Table(
    "claim",
    metadata,
    sa.Column("claim_id", sa.Uuid, primary_key=True),
    sa.Column("workflow_id", sa.Text, nullable=False, unique=True),
    # No foreign key to policy: a claim on an unknown policy is recorded, then rejected by rule.
    sa.Column("policy_number", sa.Text, nullable=False, index=True),
    sa.Column("claimant_name", sa.Text, nullable=False),
    sa.Column("claimant_email", sa.Text, nullable=False),
    sa.Column("claim_type", sa.Text, nullable=False),
    sa.Column("incident_date", sa.Date, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, index=True),
    # The API key name (principal) that submitted the claim; None for claims from before 0003.
    sa.Column("submitted_by", sa.Text),
    sa.Column("payable_amount", MONEY),
    sa.Column("approved_amount", MONEY),
    sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false()),
    # The workflow's step counter of the last write applied: a late, retried write of an older
    # step never overwrites a newer state.
    sa.Column("last_step", sa.Integer, nullable=False, server_default="0"),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Index("ix_claim_submitted_at_claim_id", "submitted_at", "claim_id"),
    sa.Index("ix_claim_submitted_by_submitted_at", "submitted_by", "submitted_at", "claim_id"),
)

claim_event = sa.Table(
    "claim_event",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("claim_id", "step", name="uq_claim_event_claim_id_step"),
)

decision = sa.Table(
    "decision",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("reasons", JSONB, nullable=False),
    sa.Column("rules_fired", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("payable_amount", MONEY),
    sa.Column("approved_amount", MONEY),
    # Model facts, when a model was asked.
    sa.Column("model_name", sa.Text),
    sa.Column("prompt_version", sa.Text),
    sa.Column("input_tokens", sa.Integer),
    sa.Column("output_tokens", sa.Integer),
    sa.Column("cost_usd", sa.Numeric(12, 6)),
    sa.Column("latency_ms", sa.Integer),
    sa.Column("attempts", sa.Integer),
    sa.Column("recommendation", sa.Text),
    sa.Column("confidence", sa.Float),
    sa.Column("rationale", sa.Text),
    sa.Column("risk_flags", JSONB),
    # Adjuster facts, when a human decided.
    sa.Column("adjuster_name", sa.Text),
    sa.Column("adjuster_role", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("claim_id", "step", name="uq_decision_claim_id_step"),
)

# A candidate model's assessment of a live claim (workflows/shadow.py): beside the claim, never
# on it. One row per claim, assessment round and candidate.
shadow_assessment = sa.Table(
    "shadow_assessment",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("prompt_version", sa.Text, nullable=False),
    # done, invalid, failed, timed_out, over_budget
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("route", sa.Text),
    sa.Column("recommendation", sa.Text),
    sa.Column("confidence", sa.Float),
    sa.Column("rationale", sa.Text),
    sa.Column("risk_flags", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("reasons", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("cost_usd", sa.Numeric(12, 6)),
    sa.Column("latency_ms", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.UniqueConstraint(
        "claim_id", "round", "model", "prompt_version", name="uq_shadow_assessment_claim_round"
    ),
    sa.Index("ix_shadow_assessment_model_created_at", "model", "created_at"),
)

# What shadow assessments have reserved and spent, per model and UTC day: a shadow reserves its
# estimate before the call, under a lock per model, only if it fits the day's budget; recording
# its outcome settles the row to what the call cost (or releases it when no call was made). One
# row per shadow, so a retried reservation or settlement counts once.
shadow_spend = sa.Table(
    "shadow_spend",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("prompt_version", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("reserved_usd", sa.Numeric(12, 6), nullable=False),
    # What the shadow cost once settled (null while reserved, 0 once released).
    sa.Column("spent_usd", sa.Numeric(12, 6)),
    # reserved, settled, released
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("settled_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint(
        "claim_id", "round", "model", "prompt_version", name="uq_shadow_spend_shadow"
    ),
    sa.Index("ix_shadow_spend_model_day", "model", "day"),
)

payment = sa.Table(
    "payment",
    metadata,
    sa.Column("payment_id", sa.Uuid, primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False, unique=True),
    sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("rail_reference", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("settled_at", sa.DateTime(timezone=True)),
    # Attempt n of the claim's one payment: a refused attempt is released, then retried as n+1.
    sa.Column("attempt", sa.Integer, nullable=False, server_default="1"),
    sa.Column("payee", sa.Text),
    sa.Column("failure_reason", sa.Text),
)

# Append-only money movements of a claim's payment: reserve, then settle or release.
payment_ledger = sa.Table(
    "payment_ledger",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("entry", sa.Text, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.UniqueConstraint(
        "claim_id", "attempt", "entry", name="uq_payment_ledger_claim_id_attempt_entry"
    ),
)

# Claimant documents live here, never in workflow history: only their ids travel. A document
# counts once the claim took it: `attached_at` is set with its `document_added` event.
document = sa.Table(
    "document",
    metadata,
    sa.Column("document_id", sa.Uuid, primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("size_bytes", sa.Integer, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("attached_at", sa.DateTime(timezone=True)),
)

notification = sa.Table(
    "notification",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    # The mail relay's progress: attempts made, and when it gave up (dead letter).
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("failed_at", sa.DateTime(timezone=True)),
    # A message waiting to retry is not due before this, and holds no relay slot meanwhile.
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("period_started_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.UniqueConstraint("claim_id", "step", name="uq_notification_claim_id_step"),
    # What the relay still has to send, oldest first.
    sa.Index(
        "ix_notification_unsent",
        "id",
        postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
    ),
)

# A client's subscription to claim events. The signing secret is sealed with the key ring
# (infra/sealing.py). What it may hear is decided at delivery from its owner's current role
# (`principal`), never fixed when it was made. `relay` names the dispatcher that serves it (its
# API's outbox queue); `host` is its receiver's host, whose circuit breaker it shares.
webhook_subscription = sa.Table(
    "webhook_subscription",
    metadata,
    sa.Column("subscription_id", sa.Uuid, primary_key=True),
    sa.Column("owner", sa.Text, nullable=False, index=True),
    sa.Column("relay", sa.Text, nullable=False, server_default="claims-outbox"),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.ARRAY(sa.Text), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("sealed_secret", sa.Text, nullable=False),
    # The secret before the last rotation: deliveries are signed with both for a day, so a
    # receiver can switch to the new one without dropping a delivery.
    sa.Column("previous_sealed_secret", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("secret_rotated_at", sa.DateTime(timezone=True)),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
)

# The webhook outbox: one row per (subscription, event), written in the transaction that
# records the event, so an event is never lost nor queued twice. Delivery moves it from pending
# to delivered, or to failed (dead-lettered) when the retry period runs out.
webhook_delivery = sa.Table(
    "webhook_delivery",
    metadata,
    sa.Column("delivery_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "subscription_id",
        sa.Uuid,
        sa.ForeignKey("webhook_subscription.subscription_id"),
        nullable=False,
    ),
    sa.Column("event_id", sa.Text, nullable=False),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("claim_status", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.Column("failed_at", sa.DateTime(timezone=True)),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("period_started_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.UniqueConstraint(
        "subscription_id", "event_id", name="uq_webhook_delivery_subscription_id_event_id"
    ),
    sa.Index("ix_webhook_delivery_subscription_status", "subscription_id", "status", "delivery_id"),
    sa.Index(
        "ix_webhook_delivery_due",
        "next_attempt_at",
        "delivery_id",
        postgresql_where=sa.text("status = 'pending'"),
    ),
)

# One circuit breaker per owner and receiver host: after repeated failures the owner's
# subscriptions there pause until `open_until` (or until the owner resumes them), so a dead
# receiver stops taking attempts. Keyed by owner too, so that one tenant's failing endpoint on a
# shared host never pauses (or describes) another tenant's deliveries to that host.
webhook_receiver = sa.Table(
    "webhook_receiver",
    metadata,
    sa.Column("owner", sa.Text, primary_key=True),
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("open_until", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

# The principals of the configured API keys with their current roles, written by the API at
# start. Authorization at use (webhook deliveries) reads it; a principal whose keys are gone
# is inactive, and its subscriptions pause.
principal = sa.Table(
    "principal",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

# Browser sign-in sessions (the codec's Web UI sign-in): the cookie holds a random token, this
# table its SHA-256. Sign-out sets `revoked_at`, which every API replica sees at once.
ui_session = sa.Table(
    "ui_session",
    metadata,
    sa.Column("digest", sa.Text, primary_key=True),
    sa.Column("principal", sa.Text, nullable=False),
    sa.Column("key_digest", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    # What the session is for: `codec` (the Web UI's decode calls) or `console` (adjusters).
    sa.Column("purpose", sa.Text, nullable=False, server_default="codec"),
)
