"""The adjusters' work queue: claims waiting for a person, most urgent first.

Escalated claims come first (past their review SLA), then the nearest review deadline, then the
oldest submission. A claim's deadline is the one its workflow wrote with its review request
(`due_at`); a request recorded before deadlines were written counts from the request's time
and the SLA the caller passes. The reasons a claim is waiting are its latest review request's
(or, for a parked claim, the failed step's error type).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import rows
from infra.tables import claim, claim_assignment, claim_event


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A claim waiting for a person: what it is, why it waits, and until when."""

    claim_id: uuid.UUID
    claim_number: str | None
    claimant_name: str
    policy_number: str
    claim_type: str
    amount: Decimal
    currency: str
    status: str
    payable_amount: Decimal | None
    escalated: bool
    submitted_at: dt.datetime
    reasons: list[str] | None
    due_at: dt.datetime | None
    waiting_since: dt.datetime | None
    assignee: str | None


@dataclass(frozen=True)
class QueueFilter:
    statuses: Sequence[str]
    claim_type: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    escalated: bool | None = None
    reason: str | None = None
    # Held by this principal; "" for claims nobody holds; None for either.
    assignee: str | None = None


@dataclass(frozen=True)
class _Why:
    """Per claim, from its latest review request or parking (a lateral join: read only for
    the claims in the queue, through the (claim_id, step) index)."""

    source: sa.FromClause
    reasons: sa.ColumnElement[object]
    due_at: sa.ColumnElement[dt.datetime]
    waiting_since: sa.ColumnElement[dt.datetime]


def _why(default_sla: dt.timedelta) -> _Why:
    latest = (
        sa.select(claim_event.c.type, claim_event.c.detail, claim_event.c.at)
        .where(
            claim_event.c.claim_id == claim.c.claim_id,
            claim_event.c.type.in_(("review_requested", "needs_attention")),
        )
        .order_by(claim_event.c.step.desc())
        .limit(1)
        .lateral("latest")
    )
    detail = latest.c.detail
    requested = latest.c.type == "review_requested"
    reasons = sa.case(
        (requested, detail["reasons"]),
        else_=sa.func.jsonb_build_array(detail["error_type"].astext),
    )
    due = sa.case(
        (
            requested,
            sa.func.coalesce(
                sa.cast(detail["due_at"].astext, sa.DateTime(timezone=True)),
                latest.c.at + default_sla,
            ),
        ),
        else_=sa.null(),
    )
    return _Why(
        source=claim.outerjoin(latest, sa.true()).outerjoin(
            claim_assignment, claim_assignment.c.claim_id == claim.c.claim_id
        ),
        reasons=sa.cast(reasons, JSONB),
        due_at=due,
        waiting_since=latest.c.at,
    )


def _filtered(query: sa.Select, why: _Why, f: QueueFilter) -> sa.Select:  # type: ignore[type-arg]
    query = query.select_from(why.source).where(claim.c.status.in_(f.statuses))
    if f.claim_type is not None:
        query = query.where(claim.c.claim_type == f.claim_type)
    if f.min_amount is not None:
        query = query.where(claim.c.amount >= f.min_amount)
    if f.max_amount is not None:
        query = query.where(claim.c.amount <= f.max_amount)
    if f.escalated is not None:
        query = query.where(claim.c.escalated.is_(f.escalated))
    if f.reason is not None:
        query = query.where(why.reasons.contains(sa.func.jsonb_build_array(f.reason)))
    if f.assignee == "":
        query = query.where(claim_assignment.c.assignee.is_(None))
    elif f.assignee is not None:
        query = query.where(claim_assignment.c.assignee == f.assignee)
    return query


async def page(
    *,
    conn: AsyncConnection,
    where: QueueFilter,
    default_sla: dt.timedelta,
    offset: int,
    limit: int,
) -> list[QueueRow]:
    """One page of the queue, most urgent first, each claim with its reasons and deadline."""
    why = _why(default_sla)
    query = sa.select(
        claim.c.claim_id,
        claim.c.claim_number,
        claim.c.claimant_name,
        claim.c.policy_number,
        claim.c.claim_type,
        claim.c.amount,
        claim.c.currency,
        claim.c.status,
        claim.c.payable_amount,
        claim.c.escalated,
        claim.c.submitted_at,
        why.reasons.label("reasons"),
        why.due_at.label("due_at"),
        why.waiting_since.label("waiting_since"),
        claim_assignment.c.assignee,
    )
    query = _filtered(query, why, where).order_by(
        claim.c.escalated.desc(),
        why.due_at.asc().nulls_last(),
        claim.c.submitted_at,
        claim.c.claim_id,
    )
    return rows.every(QueueRow, (await conn.execute(query.offset(offset).limit(limit))).mappings())


async def counts(
    *, conn: AsyncConnection, where: QueueFilter, default_sla: dt.timedelta
) -> dict[str, int]:
    """How many claims the filter matches, per status."""
    why = _why(default_sla)
    query = sa.select(claim.c.status, sa.func.count())
    query = _filtered(query, why, where).group_by(claim.c.status)
    return {str(status): int(n) for status, n in (await conn.execute(query)).all()}
