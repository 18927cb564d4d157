"""A claim's one payment, and the append-only ledger of its money movements."""

from __future__ import annotations

import sqlalchemy as sa

from infra.tables.schema import MONEY, NOW, metadata

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
