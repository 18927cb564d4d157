"""The metadata every table belongs to, and the column types and groups they share."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = sa.Numeric(14, 2)
NOW = sa.text("now()")


def outbox_progress() -> list[sa.Column[object]]:
    """The columns both outboxes (e-mails, webhook deliveries) keep their attempts in.

    Attempts made and the last error; when it gave up (a dead letter); when the next attempt is
    due (a row waiting to retry holds no relay slot meanwhile); and when its retry period began
    (a redelivery starts a fresh one). infra/store/outbox_progress.py writes them.
    """
    return [
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("failed_at", sa.DateTime(timezone=True)),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
        sa.Column(
            "period_started_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
    ]
