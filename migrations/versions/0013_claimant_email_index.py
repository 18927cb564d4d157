"""The investigation's prior_claims tool finds a claimant's earlier claims by e-mail.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claim_claimant_email", "claim", ["claimant_email"])


def downgrade() -> None:
    op.drop_index("ix_claim_claimant_email", table_name="claim")
