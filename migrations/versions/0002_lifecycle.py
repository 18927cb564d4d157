"""Lifecycle: documents, payment attempts and the payment ledger (compensation).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
NOW = sa.text("now()")


def upgrade() -> None:
    op.add_column("payment", sa.Column("attempt", sa.Integer, nullable=False, server_default="1"))
    op.add_column("payment", sa.Column("payee", sa.Text))
    op.add_column("payment", sa.Column("failure_reason", sa.Text))
    op.create_table(
        "payment_ledger",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name="pk_payment_ledger"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_payment_ledger_claim_id_claim"
        ),
        sa.UniqueConstraint(
            "claim_id", "attempt", "entry", name="uq_payment_ledger_claim_id_attempt_entry"
        ),
    )
    op.create_table(
        "document",
        sa.Column("document_id", sa.Uuid, nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("document_id", name="pk_document"),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.claim_id"], name="fk_document_claim_id_claim"),
    )
    op.create_index("ix_document_claim_id", "document", ["claim_id"])


def downgrade() -> None:
    op.drop_index("ix_document_claim_id", table_name="document")
    op.drop_table("document")
    op.drop_table("payment_ledger")
    for column in ("failure_reason", "payee", "attempt"):
        op.drop_column("payment", column)
