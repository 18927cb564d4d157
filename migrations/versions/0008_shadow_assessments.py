"""Shadow assessments: candidate models' answers on live claims, beside the claim.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shadow_assessment",
        sa.Column("id", sa.BigInteger, sa.Identity()),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("prompt_version", sa.Text, nullable=False),
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
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_shadow_assessment"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_shadow_assessment_claim_id_claim"
        ),
        sa.UniqueConstraint(
            "claim_id", "round", "model", "prompt_version", name="uq_shadow_assessment_claim_round"
        ),
    )
    op.create_index(
        "ix_shadow_assessment_model_created_at", "shadow_assessment", ["model", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("shadow_assessment")
