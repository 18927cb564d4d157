"""Claim records: the claim row, its audit events and its decisions.

Writers are called only by activities and are idempotent: every insert is keyed by
(claim_id, step) and skipped on conflict, and the claim row only moves forward in steps.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus, EventType
from claims.transitions import Submitted, Transition
from claims.webhooks import event_id
from infra.store import claim_numbers, deliveries, documents, rows
from infra.tables import claim, claim_event
from infra.tables import decision as decision_table

SUBMITTED_STEP = 1


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """The claim row: where the claim stands, as its last written step left it."""

    claim_id: uuid.UUID
    workflow_id: str
    claim_number: str | None
    policy_number: str
    claimant_name: str
    claimant_email: str
    claim_type: str
    incident_date: dt.date
    amount: Decimal
    currency: str
    description: str
    status: str
    submitted_by: str | None
    payable_amount: Decimal | None
    approved_amount: Decimal | None
    escalated: bool
    last_step: int
    submitted_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EventRow:
    """One audit event of a claim."""

    step: int
    type: str
    detail: dict[str, Any]
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One row of the decision ledger: the decision, and the model's facts when it assessed."""

    step: int
    outcome: str
    decided_by: str
    reasons: list[str]
    rules_fired: list[str]
    payable_amount: Decimal | None
    approved_amount: Decimal | None
    model_name: str | None
    prompt_version: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: Decimal | None
    latency_ms: int | None
    attempts: int | None
    recommendation: str | None
    confidence: float | None
    rationale: str | None
    risk_flags: list[str] | None
    adjuster_name: str | None
    adjuster_role: str | None
    note: str | None
    at: dt.datetime


# Built once (every step runs them); each execute names its values.
_INSERT_CLAIM = insert(claim).inline().on_conflict_do_nothing(index_elements=[claim.c.claim_id])
_INSERT_EVENT = (
    insert(claim_event).inline().on_conflict_do_nothing(constraint="uq_claim_event_claim_id_step")
)
_INSERT_DECISION = (
    insert(decision_table).inline().on_conflict_do_nothing(constraint="uq_decision_claim_id_step")
)
# What a step writes on the claim row comes with each execute. `last_step < step` makes the
# write monotonic: a zombie attempt of an older step that commits late can never move the
# claim backwards. (The guard's parameters take `match_` names: SQLAlchemy keeps column names
# for the values the statement writes.)
_MOVE_CLAIM = (
    sa.update(claim)
    .where(
        claim.c.claim_id == sa.bindparam("match_claim_id"),
        claim.c.last_step < sa.bindparam("match_step"),
    )
    .values(updated_at=sa.func.now())
)


async def record_submission(*, conn: AsyncConnection, record: Submitted) -> int:
    """Insert the claim row and its `submitted` event unless they already exist.

    Returns how many webhook deliveries the event queued (the worker wakes the dispatcher).
    """
    claim_id, submitted_at = record.claim_id, record.submitted_at
    sub = record.submission
    # Taken by the API before the workflow started; taken here for a claim an older API began.
    number = await claim_numbers.take(conn=conn, claim_id=claim_id, year=submitted_at.year)
    await conn.execute(
        _INSERT_CLAIM,
        {
            "claim_id": claim_id,
            "workflow_id": record.workflow_id,
            "claim_number": number,
            "policy_number": sub.policy_number,
            "claimant_name": sub.claimant.name,
            "claimant_email": sub.claimant.email,
            "claim_type": str(sub.claim_type),
            "incident_date": sub.incident_date,
            "amount": sub.amount,
            "currency": sub.currency,
            "description": sub.description,
            "status": str(ClaimStatus.SUBMITTED),
            "last_step": SUBMITTED_STEP,
            "submitted_at": submitted_at,
            "submitted_by": record.submitted_by,
        },
    )
    await conn.execute(
        _INSERT_EVENT,
        {
            "claim_id": claim_id,
            "step": SUBMITTED_STEP,
            "type": str(EventType.SUBMITTED),
            "detail": {"amount": str(sub.amount), "currency": sub.currency}
            | ({"files": len(record.files)} if record.files else {}),
            "at": submitted_at,
        },
    )
    if record.files:
        await documents.add_submitted_files(
            conn=conn, claim_id=claim_id, files=record.files, added_by=record.submitted_by or ""
        )
    return await _publish(conn, claim_id, SUBMITTED_STEP, EventType.SUBMITTED, submitted_at)


async def _publish(
    conn: AsyncConnection, claim_id: uuid.UUID, step: int, event_type: EventType, at: dt.datetime
) -> int:
    # The webhook outbox is written in the step's own transaction: an event is queued exactly
    # when it is recorded.
    return await deliveries.fan_out(
        conn=conn,
        claim_id=claim_id,
        step=step,
        event_type=event_type,
        event_id=event_id(claim_id, step),
        at=at,
    )


def _decision_values(
    claim_id: uuid.UUID, step: int, at: dt.datetime, d: DecisionRecord
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "claim_id": claim_id,
        "step": step,
        "at": at,
        "outcome": str(d.outcome),
        "decided_by": str(d.decided_by),
        "reasons": d.reasons,
        "rules_fired": d.rules_fired,
        "payable_amount": d.payable_amount,
        "approved_amount": d.approved_amount,
        "adjuster_name": d.adjuster_name,
        "adjuster_role": d.adjuster_role,
        "note": d.note,
    }
    if d.model is not None:
        values |= {
            "model_name": d.model.name,
            "prompt_version": d.model.prompt_version,
            "input_tokens": d.model.input_tokens,
            "output_tokens": d.model.output_tokens,
            "cost_usd": d.model.cost_usd,
            "latency_ms": d.model.latency_ms,
            "attempts": d.model.attempts,
        }
    if d.answer is not None:
        values |= {
            "recommendation": str(d.answer.recommendation),
            "confidence": d.answer.confidence,
            "rationale": d.answer.rationale,
            "risk_flags": d.answer.risk_flags,
        }
    return values


async def apply_transition(*, conn: AsyncConnection, transition: Transition) -> int:
    """Append the step's event (and decision), and move the claim row forward to this step.

    A None field leaves the row's value alone; `clear_approved_amount` empties it (a withdrawn
    approval). Returns how many webhook deliveries the event queued.
    """
    t = transition
    claim_id, step, at, detail = t.claim_id, t.step, t.at, t.detail
    await conn.execute(
        _INSERT_EVENT,
        {"claim_id": claim_id, "step": step, "type": str(t.event_type), "detail": detail, "at": at},
    )
    if t.decision is not None:
        await conn.execute(_INSERT_DECISION, _decision_values(claim_id, step, at, t.decision))
    changes = t.row_changes()
    # The document a claim took is attached with the event that records it; at the claim's end
    # what it never took goes (documents.add: the API stores first, the claim then decides).
    if t.event_type is EventType.DOCUMENT_ADDED and "document_id" in detail:
        document_id = uuid.UUID(str(detail["document_id"]))
        await documents.attach(conn=conn, claim_id=claim_id, document_id=document_id)
    if t.status is not None and t.status.is_terminal:
        await documents.discard_unattached(conn=conn, claim_id=claim_id)
    # An event-only step (possibly written by an update handler beside the main flow) leaves
    # the row, and its step guard, alone.
    if changes:
        changes |= {"last_step": step, "match_claim_id": claim_id, "match_step": step}
        await conn.execute(_MOVE_CLAIM, changes)
    return await _publish(conn, claim_id, step, t.event_type, at)


async def get(*, conn: AsyncConnection, claim_id: uuid.UUID) -> ClaimRow | None:
    """Return the claim row, or None."""
    result = await conn.execute(sa.select(claim).where(claim.c.claim_id == claim_id))
    return rows.one(ClaimRow, result.mappings().one_or_none())


async def list_events(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[EventRow]:
    """Return the claim's audit events, oldest first."""
    result = await conn.execute(
        sa.select(claim_event)
        .where(claim_event.c.claim_id == claim_id)
        .order_by(claim_event.c.step)
    )
    return rows.every(EventRow, result.mappings())


async def list_decisions(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[DecisionRow]:
    """Return the claim's decisions, oldest first."""
    result = await conn.execute(
        sa.select(decision_table)
        .where(decision_table.c.claim_id == claim_id)
        .order_by(decision_table.c.step)
    )
    return rows.every(DecisionRow, result.mappings())


async def list_page(
    *,
    conn: AsyncConnection,
    limit: int,
    status: str | None = None,
    policy_number: str | None = None,
    before: tuple[dt.datetime, uuid.UUID] | None = None,
    claim_ids: Sequence[uuid.UUID] | None = None,
    submitted_by: str | None = None,
) -> list[ClaimRow]:
    """Return up to `limit` claims, newest first, strictly older than the `before` cursor
    (and among `claim_ids`, when given)."""
    query = sa.select(claim)
    if submitted_by is not None:
        query = query.where(claim.c.submitted_by == submitted_by)
    if claim_ids is not None:
        query = query.where(claim.c.claim_id.in_(claim_ids))
    if status is not None:
        query = query.where(claim.c.status == status)
    if policy_number is not None:
        query = query.where(claim.c.policy_number == policy_number)
    if before is not None:
        # Keyset pagination on (submitted_at, claim_id): claims arriving meanwhile are newer, so
        # they can never shift a page that is already being read.
        query = query.where(sa.tuple_(claim.c.submitted_at, claim.c.claim_id) < sa.tuple_(*before))
    query = query.order_by(claim.c.submitted_at.desc(), claim.c.claim_id.desc()).limit(limit)
    return rows.every(ClaimRow, (await conn.execute(query)).mappings())
