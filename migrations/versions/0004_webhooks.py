"""Webhook subscriptions and their delivery outbox; the mail relay's progress on notifications.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "webhook_subscription",
        sa.Column("subscription_id", sa.Uuid, primary_key=True),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("sees_all", sa.Boolean, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", sa.ARRAY(sa.Text), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("sealed_secret", sa.Text, nullable=False),
        sa.Column("previous_sealed_secret", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True)),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("subscription_id", name="pk_webhook_subscription"),
    )
    op.create_index("ix_webhook_subscription_owner", "webhook_subscription", ["owner"])
    op.create_table(
        "webhook_delivery",
        sa.Column("delivery_id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("subscription_id", sa.Uuid, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("claim_status", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("failed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("delivery_id", name="pk_webhook_delivery"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscription.subscription_id"],
            name="fk_webhook_delivery_subscription_id_webhook_subscription",
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_webhook_delivery_claim_id_claim"
        ),
        sa.UniqueConstraint(
            "subscription_id", "event_id", name="uq_webhook_delivery_subscription_id_event_id"
        ),
    )
    op.create_index(
        "ix_webhook_delivery_subscription_status",
        "webhook_delivery",
        ["subscription_id", "status", "delivery_id"],
    )
    op.add_column(
        "notification", sa.Column("attempts", sa.Integer, nullable=False, server_default="0")
    )
    op.add_column("notification", sa.Column("last_error", sa.Text))
    op.add_column("notification", sa.Column("failed_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_notification_unsent",
        "notification",
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notification_unsent", table_name="notification")
    op.drop_column("notification", "failed_at")
    op.drop_column("notification", "last_error")
    op.drop_column("notification", "attempts")
    op.drop_index("ix_webhook_delivery_subscription_status", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_subscription_owner", table_name="webhook_subscription")
    op.drop_table("webhook_subscription")
