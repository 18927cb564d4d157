"""A hard shadow budget: spend reserved before a shadow's model call and settled after it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shadow_spend",
        sa.Column("id", sa.BigInteger, sa.Identity()),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("prompt_version", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("reserved_usd", sa.Numeric(12, 6), nullable=False),
        sa.Column("spent_usd", sa.Numeric(12, 6)),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_shadow_spend"),
        sa.UniqueConstraint(
            "claim_id", "round", "model", "prompt_version", name="uq_shadow_spend_shadow"
        ),
    )
    op.create_index("ix_shadow_spend_model_day", "shadow_spend", ["model", "day"])


def downgrade() -> None:
    op.drop_table("shadow_spend")
