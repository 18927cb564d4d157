"""Notification outbox: a row per message, sent to the claimant by the mail relay.

The relay (workflows/outbox.py) sends the claimant kinds; a row is sent once `sent_at` is set,
or dead-lettered once `failed_at` is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.delivery import Outcome, Verdict
from claims.messages import CLAIMANT_KINDS
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


async def enqueue(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    step: int,
    kind: str,
    payload: dict[str, Any],
) -> int:
    """Queue a message to the claimant unless this step already queued one; 1 if queued."""
    result = await conn.execute(
        _ENQUEUE,
        {"claim_id": claim_id, "step": step, "kind": kind, "payload": payload},
    )
    return int(result.rowcount or 0)


MAX_ERROR_LENGTH = 500
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
_UNSENT = sa.select(notification).where(
    notification.c.id == sa.bindparam("match_id", type_=sa.BigInteger), *_unsent
)


def _record_statement(verdict: Verdict) -> sa.Update:
    """One attempt's outcome: counted, and sent, dead-lettered, or given its next attempt's time
    (that one comes with the execute, as does the error)."""
    stmt = (
        sa.update(notification)
        .where(notification.c.id == sa.bindparam("match_id", type_=sa.BigInteger), *_unsent)
        .values(attempts=notification.c.attempts + 1)
    )
    if verdict is Verdict.DELIVERED:
        return stmt.values(sent_at=sa.func.now())
    if verdict is Verdict.DEAD:
        return stmt.values(failed_at=sa.func.now())
    return stmt


_RECORD_OUTCOME = {verdict: _record_statement(verdict) for verdict in Verdict}


async def next_due_in_s(*, conn: AsyncConnection) -> float | None:
    """Seconds until the next message waiting for a retry is due."""
    seconds = (await conn.execute(_NEXT_DUE_IN_S)).scalar_one_or_none()
    return float(seconds) if seconds is not None else None


async def unsent(*, conn: AsyncConnection, notification_id: int) -> RowMapping | None:
    """The row, if it is still to be sent."""
    result = await conn.execute(_UNSENT, {"match_id": notification_id})
    return result.mappings().one_or_none()


async def record_outcome(*, conn: AsyncConnection, notification_id: int, outcome: Outcome) -> None:
    """Record one attempt: sent, dead-lettered, or scheduled for `next_attempt_at`."""
    values: dict[str, object] = {
        "match_id": notification_id,
        "last_error": outcome.error[:MAX_ERROR_LENGTH] if outcome.error else None,
    }
    if outcome.verdict is Verdict.RETRY:
        values["next_attempt_at"] = outcome.next_attempt_at
    await conn.execute(_RECORD_OUTCOME[outcome.verdict], values)
