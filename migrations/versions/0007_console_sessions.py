"""Browser sessions say what they are for: the codec's, or the adjuster console's.

A session signed in at /codec/login is honoured for /codec/decode alone, and one signed in at
/console/sign-in for the console alone. Sessions from before this revision were the codec's.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "ui_session",
        sa.Column("purpose", sa.Text, nullable=False, server_default="codec"),
    )


def downgrade() -> None:
    op.drop_column("ui_session", "purpose")
