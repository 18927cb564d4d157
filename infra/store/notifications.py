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


async def next_due_in_s(*, conn: AsyncConnection) -> float | None:
    """Seconds until the next message waiting for a retry is due."""
    result = await conn.execute(
        sa.select(
            sa.func.extract("epoch", sa.func.min(notification.c.next_attempt_at) - sa.func.now())
        ).where(*_unsent, _claimant_kinds, notification.c.next_attempt_at > sa.func.now())
    )
    seconds = result.scalar_one_or_none()
    return float(seconds) if seconds is not None else None


async def unsent(*, conn: AsyncConnection, notification_id: int) -> RowMapping | None:
    """The row, if it is still to be sent."""
    result = await conn.execute(
        sa.select(notification).where(notification.c.id == notification_id, *_unsent)
    )
    return result.mappings().one_or_none()


async def record_outcome(*, conn: AsyncConnection, notification_id: int, outcome: Outcome) -> None:
    """Record one attempt: sent, dead-lettered, or scheduled for `next_attempt_at`."""
    values: dict[str, object] = {
        "attempts": notification.c.attempts + 1,
        "last_error": outcome.error[:MAX_ERROR_LENGTH] if outcome.error else None,
    }
    if outcome.verdict is Verdict.DELIVERED:
        values["sent_at"] = sa.func.now()
    elif outcome.verdict is Verdict.DEAD:
        values["failed_at"] = sa.func.now()
    else:
        values["next_attempt_at"] = outcome.next_attempt_at
    await conn.execute(
        sa.update(notification)
        .where(notification.c.id == notification_id, *_unsent)
        .values(**values)
    )
