"""Who may do what: the API keys' principals, and browser sign-in sessions."""

from __future__ import annotations

import sqlalchemy as sa

from infra.tables.schema import NOW, metadata

# The principals of the configured API keys with their current roles, written by the API at
# start. Authorization at use (webhook deliveries) reads it; a principal whose keys are gone
# is inactive, and its subscriptions pause.
principal = sa.Table(
    "principal",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

# Browser sign-in sessions (the codec's Web UI sign-in): the cookie holds a random token, this
# table its SHA-256. Sign-out sets `revoked_at`, which every API replica sees at once.
ui_session = sa.Table(
    "ui_session",
    metadata,
    sa.Column("digest", sa.Text, primary_key=True),
    sa.Column("principal", sa.Text, nullable=False),
    sa.Column("key_digest", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    # What the session is for: `codec` (the Web UI's decode calls) or `console` (adjusters).
    sa.Column("purpose", sa.Text, nullable=False, server_default="codec"),
)
