"""What adjusters share about a claim: its human number, who holds it, and staff's own history
(takes, releases, reassignments, notes) beside the workflow's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from infra.tables.schema import NOW, metadata

# The last number given in each year: `CLM-2026-000123` is the 123rd claim of 2026. The row is
# locked while a number is taken, so numbers are unique and follow submission order.
claim_number_counter = sa.Table(
    "claim_number_counter",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last_seq", sa.Integer, nullable=False),
)

# A claim's number, taken once per claim id: before its workflow starts (the API answers with
# it), so a retried submission (same claim id) finds the same number. No foreign key: the
# number exists before the claim row, which the workflow writes.
claim_number = sa.Table(
    "claim_number",
    metadata,
    sa.Column("claim_id", sa.Uuid, primary_key=True),
    sa.Column("number", sa.Text, nullable=False, unique=True),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

# Who holds a claim now (one row per held claim; none when nobody does).
claim_assignment = sa.Table(
    "claim_assignment",
    metadata,
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), primary_key=True),
    sa.Column("assignee", sa.Text, nullable=False, index=True),
    sa.Column("assigned_by", sa.Text, nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

# Staff's history of a claim: taken, released, reassigned, a note, a decision over another's
# hold. Internal: never shown to a claimant or a submitter.
staff_event = sa.Table(
    "staff_event",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Index("ix_staff_event_claim_id_id", "claim_id", "id"),
)
