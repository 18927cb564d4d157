"""Ownership: the principal (API key name) that submitted each claim.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Claims submitted before ownership existed have no owner: only adjusters and admins see them.
    op.add_column("claim", sa.Column("submitted_by", sa.Text))
    op.create_index(
        "ix_claim_submitted_by_submitted_at", "claim", ["submitted_by", "submitted_at", "claim_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_claim_submitted_by_submitted_at", table_name="claim")
    op.drop_column("claim", "submitted_by")
