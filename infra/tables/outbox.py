"""The two outboxes: claimant e-mails; webhook subscriptions, their deliveries, and their
receivers' circuit breakers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from infra.tables.schema import NOW, metadata, outbox_progress

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
    *outbox_progress(),
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    *outbox_progress(),
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
