"""Fair outbox: scheduled retries, receiver circuit breakers, principals, sign-in sessions.

- Deliveries and e-mails carry `next_attempt_at` (a row waiting to retry holds no relay slot)
  and `period_started_at` (the start of its retry period; a redelivery starts a new one).
- `webhook_receiver`: one circuit breaker per receiver (`host:port`).
- A subscription names the relay that serves it and its receiver host; `sees_all`, fixed when
  a subscription was made, is gone: what it may hear is decided at delivery, from `principal`.
- `principal`: the API keys' principals with their current roles, kept by the API at start.
- `ui_session`: server-side sign-in sessions, so a sign-out revokes a cookie everywhere.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NOW = sa.text("now()")
TIMESTAMP = sa.DateTime(timezone=True)


def _scheduled(table: str) -> None:
    op.add_column(table, sa.Column("next_attempt_at", TIMESTAMP, nullable=False, server_default=NOW))
    op.add_column(
        table, sa.Column("period_started_at", TIMESTAMP, nullable=False, server_default=NOW)
    )


def upgrade() -> None:
    _scheduled("webhook_delivery")
    op.create_index(
        "ix_webhook_delivery_due",
        "webhook_delivery",
        ["next_attempt_at", "delivery_id"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    _scheduled("notification")
    op.add_column(
        "webhook_subscription",
        sa.Column("relay", sa.Text, nullable=False, server_default="claims-outbox"),
    )
    op.add_column("webhook_subscription", sa.Column("host", sa.Text))
    op.execute(
        "UPDATE webhook_subscription SET host = lower(substring(url from '^[a-zA-Z]+://([^/?#]+)'))"
    )
    op.alter_column("webhook_subscription", "host", nullable=False)
    op.drop_column("webhook_subscription", "sees_all")
    op.create_table(
        "webhook_receiver",
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("open_until", TIMESTAMP),
        sa.Column("last_error", sa.Text),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("host", name="pk_webhook_receiver"),
    )
    op.create_table(
        "principal",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("name", name="pk_principal"),
    )
    op.create_table(
        "ui_session",
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("principal", sa.Text, nullable=False),
        sa.Column("key_digest", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP),
        sa.PrimaryKeyConstraint("digest", name="pk_ui_session"),
    )


def downgrade() -> None:
    op.drop_table("ui_session")
    op.drop_table("principal")
    op.drop_table("webhook_receiver")
    op.add_column(
        "webhook_subscription",
        sa.Column("sees_all", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.drop_column("webhook_subscription", "host")
    op.drop_column("webhook_subscription", "relay")
    op.drop_index("ix_webhook_delivery_due", table_name="webhook_delivery")
    for table in ("notification", "webhook_delivery"):
        op.drop_column(table, "period_started_at")
        op.drop_column(table, "next_attempt_at")
