"""Files sent with a submission: the claim's data key may be made before its row.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("fk_claim_key_claim_id_claim", "claim_key", type_="foreignkey")


def downgrade() -> None:
    op.execute("DELETE FROM claim_key WHERE claim_id NOT IN (SELECT claim_id FROM claim)")
    op.create_foreign_key(
        "fk_claim_key_claim_id_claim", "claim_key", "claim", ["claim_id"], ["claim_id"]
    )
