"""Documents are attached by the claim that took them.

`document.attached_at` is set in the transaction that records the claim's `document_added`
event. A document stored by the API but never taken (the update was refused, or never reached
the workflow) stays unattached: no read shows it, and it is deleted when the claim ends.
Documents stored before this revision were taken when they were stored: attached at creation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("document", sa.Column("attached_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE document SET attached_at = created_at")


def downgrade() -> None:
    op.drop_column("document", "attached_at")
