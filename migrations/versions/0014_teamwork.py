"""Adjusters work as a team: human claim numbers, who holds a claim, staff's own history.

Claims already recorded get numbers in submission order, per year, as new ones will.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "claim_number_counter",
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_claim_number_counter"),
    )
    op.create_table(
        "claim_number",
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("claim_id", name="pk_claim_number"),
        sa.UniqueConstraint("number", name="uq_claim_number_number"),
    )
    op.add_column("claim", sa.Column("claim_number", sa.Text))
    op.create_unique_constraint("uq_claim_claim_number", "claim", ["claim_number"])
    op.execute(
        """
        WITH numbered AS (
            SELECT claim_id,
                   EXTRACT(YEAR FROM submitted_at AT TIME ZONE 'UTC')::int AS year,
                   row_number() OVER (
                       PARTITION BY EXTRACT(YEAR FROM submitted_at AT TIME ZONE 'UTC')
                       ORDER BY submitted_at, claim_id
                   ) AS seq
            FROM claim
        )
        INSERT INTO claim_number (claim_id, number)
        SELECT claim_id, 'CLM-' || year || '-' || lpad(seq::text, 6, '0') FROM numbered
        """
    )
    op.execute(
        """
        INSERT INTO claim_number_counter (year, last_seq)
        SELECT split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::int)
        FROM claim_number GROUP BY 1
        """
    )
    op.execute(
        "UPDATE claim SET claim_number = n.number FROM claim_number n"
        " WHERE n.claim_id = claim.claim_id"
    )
    op.create_table(
        "claim_assignment",
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("assignee", sa.Text, nullable=False),
        sa.Column("assigned_by", sa.Text, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("claim_id", name="pk_claim_assignment"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_claim_assignment_claim_id_claim"
        ),
    )
    op.create_index("ix_claim_assignment_assignee", "claim_assignment", ["assignee"])
    op.create_table(
        "staff_event",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name="pk_staff_event"),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.claim_id"], name="fk_staff_event_claim_id_claim"),
    )
    op.create_index("ix_staff_event_claim_id_id", "staff_event", ["claim_id", "id"])


def downgrade() -> None:
    op.drop_table("staff_event")
    op.drop_table("claim_assignment")
    op.drop_constraint("uq_claim_claim_number", "claim", type_="unique")
    op.drop_column("claim", "claim_number")
    op.drop_table("claim_number")
    op.drop_table("claim_number_counter")
