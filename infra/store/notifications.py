"""Notification outbox: a row per message, sent to the claimant by the mail relay.

The relay (workflows/outbox.py) sends the claimant kinds; a row is sent once `sent_at` is set,
or dead-lettered once `failed_at` is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.delivery import Outcome
from claims.messages import CLAIMANT_KINDS
from claims.transitions import Notice
from infra.store import outbox_progress, rows
from infra.tables import claim, notification


def _enqueue_statement() -> sa.Insert:
    """Built once, run by every step that writes to a claimant."""
    recipient = sa.select(claim.c.claimant_email).where(
        claim.c.claim_id == sa.bindparam("claim_id", type_=sa.Uuid)
    )
    return (
        insert(notification)
        .from_select(
            ["claim_id", "step", "kind", "recipient", "payload"],
            sa.select(
                sa.bindparam("claim_id", type_=sa.Uuid),
                sa.bindparam("step", type_=sa.Integer),
                sa.bindparam("kind", type_=sa.String),
                recipient.scalar_subquery(),
                sa.bindparam("payload", type_=sa.dialects.postgresql.JSONB),
            ),
        )
        .on_conflict_do_nothing(constraint="uq_notification_claim_id_step")
    )


_ENQUEUE = _enqueue_statement()


async def enqueue(*, conn: AsyncConnection, notice: Notice) -> int:
    """Queue a message to the claimant unless its step already queued one; 1 if queued."""
    values = {
        "claim_id": notice.claim_id,
        "step": notice.step,
        "kind": str(notice.kind),
        "payload": notice.payload,
    }
    result = await conn.execute(_ENQUEUE, values)
    return int(result.rowcount or 0)


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A message still to be sent, with what its next attempt needs."""

    id: int
    claim_id: uuid.UUID
    kind: str
    recipient: str
    payload: dict[str, Any]
    attempts: int
    last_error: str | None
    period_started_at: dt.datetime
    claim_number: str | None


_unsent = (notification.c.sent_at.is_(None), notification.c.failed_at.is_(None))
_claimant_kinds = notification.c.kind.in_(sorted(CLAIMANT_KINDS))


async def due(
    *, conn: AsyncConnection, exclude: Sequence[int], limit: int
) -> tuple[list[int], bool]:
    """(claimant messages due now, oldest first, none in flight; whether more are due)."""
    query = (
        sa.select(notification.c.id)
        .where(*_unsent, _claimant_kinds, notification.c.next_attempt_at <= sa.func.now())
        .order_by(notification.c.next_attempt_at, notification.c.id)
        .limit(limit + 1)
    )
    if exclude:
        query = query.where(notification.c.id.not_in(list(exclude)))
    ids = list((await conn.execute(query)).scalars())
    return ids[:limit], len(ids) > limit


# Built once: the dispatcher reads these for every look and every message it sends. Where-clause
# parameters take `match_` names: SQLAlchemy keeps column names for the values a statement writes.
_NEXT_DUE_IN_S = sa.select(
    sa.func.extract("epoch", sa.func.min(notification.c.next_attempt_at) - sa.func.now())
).where(*_unsent, _claimant_kinds, notification.c.next_attempt_at > sa.func.now())
_UNSENT = (
    sa.select(notification, claim.c.claim_number)
    .select_from(notification.outerjoin(claim, claim.c.claim_id == notification.c.claim_id))
    .where(notification.c.id == sa.bindparam("match_id", type_=sa.BigInteger), *_unsent)
)
_RECORD_OUTCOME = outbox_progress.record_statements(
    notification, key=notification.c.id, still_open=_unsent, delivered={"sent_at": sa.func.now()}
)


async def next_due_in_s(*, conn: AsyncConnection) -> float | None:
    """Seconds until the next message waiting for a retry is due."""
    seconds = (await conn.execute(_NEXT_DUE_IN_S)).scalar_one_or_none()
    return float(seconds) if seconds is not None else None


async def unsent(*, conn: AsyncConnection, notification_id: int) -> PendingNotice | None:
    """The message, if it is still to be sent."""
    result = await conn.execute(_UNSENT, {"match_id": notification_id})
    return rows.one(PendingNotice, result.mappings().one_or_none())


async def record_outcome(*, conn: AsyncConnection, notification_id: int, outcome: Outcome) -> None:
    """Record one attempt: sent, dead-lettered, or scheduled for `next_attempt_at`."""
    values = outbox_progress.outcome_values(notification_id, outcome)
    await conn.execute(_RECORD_OUTCOME[outcome.verdict], values)
