"""Assemble the API's view of a claim from Postgres rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from app.schemas import (
    AdjusterOut,
    ClaimOut,
    ClaimSummary,
    DecisionOut,
    DocumentOut,
    EventOut,
    ModelOut,
    PaymentOut,
    ShadowOut,
)
from claims.models import Claimant
from infra.store import claims as claim_store
from infra.store import documents, payments, shadows
from infra.store.claims import ClaimRow, DecisionRow


def summary(row: ClaimRow) -> ClaimSummary:
    return ClaimSummary.model_validate(row, from_attributes=True)


def _model_of(row: DecisionRow, name: str) -> ModelOut:
    return ModelOut(
        name=name,
        prompt_version=row.prompt_version,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        cost_usd=row.cost_usd,
        latency_ms=row.latency_ms,
        attempts=row.attempts,
    )


def decision_view(decisions: Sequence[DecisionRow]) -> DecisionOut | None:
    """The latest decision, carrying the facts of the latest model assessment when there is one."""
    if not decisions:
        return None
    latest = decisions[-1]
    assessed = next((d for d in reversed(decisions) if d.model_name or d.recommendation), None)
    view: dict[str, Any] = {
        "outcome": latest.outcome,
        "decided_by": latest.decided_by,
        "reasons": latest.reasons,
        "rules_fired": latest.rules_fired,
        "approved_amount": latest.approved_amount,
        "at": latest.at,
        "note": latest.note,
    }
    if latest.adjuster_name:
        view["adjuster"] = AdjusterOut(name=latest.adjuster_name, role=latest.adjuster_role)
    if assessed is not None:
        view |= {
            "model": _model_of(assessed, assessed.model_name) if assessed.model_name else None,
            "recommendation": assessed.recommendation,
            "confidence": assessed.confidence,
            "rationale": assessed.rationale,
            "risk_flags": assessed.risk_flags,
        }
    return DecisionOut.model_validate(view)


# Event detail keys that are internal to staff: an adjuster's note for the claim's file, and
# the investigation's transcript (it describes the claimant's earlier claims, among others).
INTERNAL_DETAIL = frozenset({"note", "investigation"})


def claimant_view(view: ClaimOut) -> ClaimOut:
    """The claim as its submitter (the claimant's client system) reads it: without staff's
    internal notes, in the decision and in the audit trail alike."""
    decision = view.decision
    if decision is not None and decision.note is not None:
        # Decisions recorded before the claimant's message had its own field gave the note as
        # their reason: it stays internal too.
        reasons = [r for r in decision.reasons if r != decision.note]
        decision = decision.model_copy(update={"note": None, "reasons": reasons})
    events = [
        e.model_copy(
            update={"detail": {k: v for k, v in e.detail.items() if k not in INTERNAL_DETAIL}}
        )
        for e in view.events
    ]
    return view.model_copy(update={"decision": decision, "events": events})


async def claim_view(*, conn: AsyncConnection, claim_id: uuid.UUID) -> ClaimOut | None:
    """The full claim as GET /v1/claims/{id} returns it, or None when no row exists yet."""
    row = await claim_store.get(conn=conn, claim_id=claim_id)
    if row is None:
        return None
    return await view_of_row(conn=conn, row=row)


async def view_of_row(*, conn: AsyncConnection, row: ClaimRow) -> ClaimOut:
    """The full claim built from its row and the rows hanging off it."""
    claim_id = row.claim_id
    events = await claim_store.list_events(conn=conn, claim_id=claim_id)
    decisions = await claim_store.list_decisions(conn=conn, claim_id=claim_id)
    payment = await payments.get(conn=conn, claim_id=claim_id)
    docs = await documents.list_for_claim(conn=conn, claim_id=claim_id)
    return ClaimOut(
        **summary(row).model_dump(),
        claimant=Claimant(name=row.claimant_name, email=row.claimant_email),
        incident_date=row.incident_date,
        description=row.description,
        decision=decision_view(decisions),
        payment=PaymentOut.model_validate(payment, from_attributes=True) if payment else None,
        documents=[DocumentOut.model_validate(d, from_attributes=True) for d in docs],
        events=[EventOut(at=e.at, type=e.type, detail=e.detail) for e in events],
    )


async def shadows_of(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[ShadowOut]:
    """The candidates' assessments of the claim, each beside production's route."""
    rows = await shadows.for_claim(conn=conn, claim_id=claim_id)
    return [
        ShadowOut.model_validate(
            asdict(row)
            | {
                "agrees": row.route == row.production_route
                if row.route and row.production_route
                else None
            }
        )
        for row in rows
    ]
