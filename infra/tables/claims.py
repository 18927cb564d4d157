"""A claim: its policy, its row, audit events, decisions, documents and shadow assessments."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from infra.tables.schema import MONEY, NOW, metadata

policy = sa.Table(
    "policy",
    metadata,
    sa.Column("policy_number", sa.Text, primary_key=True),
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
)

claim = sa.Table(
    "claim",
    metadata,
    sa.Column("claim_id", sa.Uuid, primary_key=True),
    sa.Column("workflow_id", sa.Text, nullable=False, unique=True),
    # The human number (infra/tables/teamwork.py); null only for a row written before 0014.
    sa.Column("claim_number", sa.Text, unique=True),
    # No foreign key to policy: a claim on an unknown policy is recorded, then rejected by rule.
    sa.Column("policy_number", sa.Text, nullable=False, index=True),
    sa.Column("claimant_name", sa.Text, nullable=False),
    sa.Column("claimant_email", sa.Text, nullable=False, index=True),
    sa.Column("claim_type", sa.Text, nullable=False),
    sa.Column("incident_date", sa.Date, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, index=True),
    # The API key name (principal) that submitted the claim; None for claims from before 0003.
    sa.Column("submitted_by", sa.Text),
    sa.Column("payable_amount", MONEY),
    sa.Column("approved_amount", MONEY),
    sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false()),
    # The workflow's step counter of the last write applied: a late, retried write of an older
    # step never overwrites a newer state.
    sa.Column("last_step", sa.Integer, nullable=False, server_default="0"),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Index("ix_claim_submitted_at_claim_id", "submitted_at", "claim_id"),
    sa.Index("ix_claim_submitted_by_submitted_at", "submitted_by", "submitted_at", "claim_id"),
)

claim_event = sa.Table(
    "claim_event",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("claim_id", "step", name="uq_claim_event_claim_id_step"),
)

decision = sa.Table(
    "decision",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("reasons", JSONB, nullable=False),
    sa.Column("rules_fired", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("payable_amount", MONEY),
    sa.Column("approved_amount", MONEY),
    # Model facts, when a model was asked.
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
    # Adjuster facts, when a human decided.
    sa.Column("adjuster_name", sa.Text),
    sa.Column("adjuster_role", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("claim_id", "step", name="uq_decision_claim_id_step"),
)

# Claimant documents live here, never in workflow history: only their ids travel. A document
# counts once the claim took it: `attached_at` is set with its `document_added` event.
document = sa.Table(
    "document",
    metadata,
    sa.Column("document_id", sa.Uuid, primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    # A text document's text; a file's text once extracted (`extraction`), for the model.
    sa.Column("text", sa.Text),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("attached_at", sa.DateTime(timezone=True)),
    # text, or a file's type decided by its content: jpeg, png, webp, heic, pdf.
    sa.Column("kind", sa.Text, nullable=False, server_default="text"),
    # A file's: the digest of the bytes sent (the same file twice is one document), the key of
    # its encrypted object, and when that object was completely stored (null: an upload in
    # progress or abandoned; the sweep removes those).
    sa.Column("sha256", sa.Text),
    sa.Column("object_key", sa.Text, unique=True),
    sa.Column("stored_at", sa.DateTime(timezone=True)),
    # null until read; "read", or why the file could not be read (it never fails the claim).
    sa.Column("extraction", sa.Text),
    sa.Index(
        "uq_document_claim_id_sha256",
        "claim_id",
        "sha256",
        unique=True,
        postgresql_where=sa.text("sha256 IS NOT NULL"),
    ),
)

# One data key per claim, wrapped by the payload key ring (infra/document_crypto.py). Destroying
# `wrapped_key` (crypto-shredding) leaves every object of the claim unreadable, everywhere.
claim_key = sa.Table(
    "claim_key",
    metadata,
    # No foreign key: a submission's files are stored under the claim's key before its row
    # exists (the admit step writes it).
    sa.Column("claim_id", sa.Uuid, primary_key=True),
    sa.Column("ring_key_id", sa.Text, nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("shredded_at", sa.DateTime(timezone=True)),
)

# A candidate model's assessment of a live claim (workflows/shadow.py): beside the claim, never
# on it. One row per claim, assessment round and candidate.
shadow_assessment = sa.Table(
    "shadow_assessment",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, sa.ForeignKey("claim.claim_id"), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("prompt_version", sa.Text, nullable=False),
    # done, invalid, failed, timed_out, over_budget
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.UniqueConstraint(
        "claim_id", "round", "model", "prompt_version", name="uq_shadow_assessment_claim_round"
    ),
    sa.Index("ix_shadow_assessment_model_created_at", "model", "created_at"),
)

# What shadow assessments have reserved and spent, per model and UTC day: a shadow reserves its
# estimate before the call, under a lock per model, only if it fits the day's budget; recording
# its outcome settles the row to what the call cost (or releases it when no call was made). One
# row per shadow, so a retried reservation or settlement counts once.
shadow_spend = sa.Table(
    "shadow_spend",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("claim_id", sa.Uuid, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("prompt_version", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("reserved_usd", sa.Numeric(12, 6), nullable=False),
    # What the shadow cost once settled (null while reserved, 0 once released).
    sa.Column("spent_usd", sa.Numeric(12, 6)),
    # reserved, settled, released
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("settled_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint(
        "claim_id", "round", "model", "prompt_version", name="uq_shadow_spend_shadow"
    ),
    sa.Index("ix_shadow_spend_model_day", "model", "day"),
)
