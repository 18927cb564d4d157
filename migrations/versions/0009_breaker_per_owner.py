"""Circuit breakers per owner and receiver host, not per host alone.

A breaker shared by every principal let one tenant's failing endpoint pause another tenant's
deliveries to the same host:port (and show it the first tenant's errors). Breaker rows are
transient state (failures in a row, a pause): they are dropped here rather than guessed an
owner, so every breaker starts closed and reopens after the configured failures if it must.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM webhook_receiver")
    op.drop_constraint("pk_webhook_receiver", "webhook_receiver", type_="primary")
    op.add_column("webhook_receiver", sa.Column("owner", sa.Text, nullable=False))
    op.create_primary_key("pk_webhook_receiver", "webhook_receiver", ["owner", "host"])


def downgrade() -> None:
    op.execute("DELETE FROM webhook_receiver")
    op.drop_constraint("pk_webhook_receiver", "webhook_receiver", type_="primary")
    op.drop_column("webhook_receiver", "owner")
    op.create_primary_key("pk_webhook_receiver", "webhook_receiver", ["host"])
