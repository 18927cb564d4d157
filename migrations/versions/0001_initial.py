"""Initial schema: policy, claim, claim_event, decision, payment, notification.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
NOW = sa.text("now()")
EMPTY_OBJECT = sa.text("'{}'::jsonb")
EMPTY_LIST = sa.text("'[]'::jsonb")


def upgrade() -> None:
    op.create_table(
        "policy",
        sa.Column("policy_number", sa.Text, nullable=False),
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
        sa.PrimaryKeyConstraint("policy_number", name="pk_policy"),
    )
    op.create_table(
        "claim",
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("workflow_id", sa.Text, nullable=False),
        sa.Column("policy_number", sa.Text, nullable=False),
        sa.Column("claimant_name", sa.Text, nullable=False),
        sa.Column("claimant_email", sa.Text, nullable=False),
        sa.Column("claim_type", sa.Text, nullable=False),
        sa.Column("incident_date", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("payable_amount", MONEY),
        sa.Column("approved_amount", MONEY),
        sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_step", sa.Integer, nullable=False, server_default="0"),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("claim_id", name="pk_claim"),
        sa.UniqueConstraint("workflow_id", name="uq_claim_workflow_id"),
    )
    op.create_index("ix_claim_policy_number", "claim", ["policy_number"])
    op.create_index("ix_claim_status", "claim", ["status"])
    op.create_index("ix_claim_submitted_at_claim_id", "claim", ["submitted_at", "claim_id"])
    op.create_table(
        "claim_event",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default=EMPTY_OBJECT),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_event"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_claim_event_claim_id_claim"
        ),
        sa.UniqueConstraint("claim_id", "step", name="uq_claim_event_claim_id_step"),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("reasons", JSONB, nullable=False),
        sa.Column("rules_fired", JSONB, nullable=False, server_default=EMPTY_LIST),
        sa.Column("payable_amount", MONEY),
        sa.Column("approved_amount", MONEY),
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
        sa.Column("adjuster_name", sa.Text),
        sa.Column("adjuster_role", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decision"),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.claim_id"], name="fk_decision_claim_id_claim"),
        sa.UniqueConstraint("claim_id", "step", name="uq_decision_claim_id_step"),
    )
    op.create_table(
        "payment",
        sa.Column("payment_id", sa.Uuid, nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("rail_reference", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("payment_id", name="pk_payment"),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.claim_id"], name="fk_payment_claim_id_claim"),
        sa.UniqueConstraint("claim_id", name="uq_payment_claim_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_payment_idempotency_key"),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_notification_claim_id_claim"
        ),
        sa.UniqueConstraint("claim_id", "step", name="uq_notification_claim_id_step"),
    )


def downgrade() -> None:
    for table in ("notification", "payment", "decision", "claim_event", "claim", "policy"):
        op.drop_table(table)
