"""Documents as files: their encrypted bytes in object storage, one data key per claim.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("document", "text", existing_type=sa.Text, nullable=True)
    op.alter_column(
        "document", "size_bytes", existing_type=sa.Integer, type_=sa.BigInteger
    )
    op.add_column(
        "document", sa.Column("kind", sa.Text, nullable=False, server_default="text")
    )
    op.add_column("document", sa.Column("sha256", sa.Text))
    op.add_column("document", sa.Column("object_key", sa.Text))
    op.add_column("document", sa.Column("stored_at", sa.DateTime(timezone=True)))
    op.add_column("document", sa.Column("extraction", sa.Text))
    op.create_unique_constraint("uq_document_object_key", "document", ["object_key"])
    op.create_index(
        "uq_document_claim_id_sha256",
        "document",
        ["claim_id", "sha256"],
        unique=True,
        postgresql_where=sa.text("sha256 IS NOT NULL"),
    )
    op.create_table(
        "claim_key",
        sa.Column("claim_id", sa.Uuid, nullable=False),
        sa.Column("ring_key_id", sa.Text, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
        sa.Column("shredded_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("claim_id", name="pk_claim_key"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.claim_id"], name="fk_claim_key_claim_id_claim"
        ),
    )


def downgrade() -> None:
    op.drop_table("claim_key")
    op.drop_index("uq_document_claim_id_sha256", table_name="document")
    op.drop_constraint("uq_document_object_key", "document", type_="unique")
    for column in ("extraction", "stored_at", "object_key", "sha256", "kind"):
        op.drop_column("document", column)
    op.alter_column("document", "size_bytes", existing_type=sa.BigInteger, type_=sa.Integer)
    # Files have no text: they cannot survive a downgrade to text-only documents.
    op.execute("DELETE FROM document WHERE text IS NULL")
    op.alter_column("document", "text", existing_type=sa.Text, nullable=False)
