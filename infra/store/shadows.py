"""Shadow assessments in Postgres: written once per claim, round and candidate; read beside
the claim, summed per model for the daily budget, and joined to production's decision for
agreement."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import rows
from infra.tables import claim, decision, shadow_assessment


@dataclass(frozen=True, slots=True)
class ShadowRow:
    """A candidate's assessment of a claim, with production's route for the same claim."""

    claim_id: uuid.UUID
    round: int
    model: str
    prompt_version: str
    status: str
    route: str | None
    production_route: str | None
    recommendation: str | None
    confidence: float | None
    rationale: str | None
    risk_flags: list[str]
    reasons: list[str]
    cost_usd: Decimal | None
    latency_ms: int | None
    error: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class LiveShadowRow(ShadowRow):
    """A shadow beside its own round's decisions (`claims eval --live`)."""

    adjuster_outcome: str | None
    payable_amount: Decimal | None


@dataclass(frozen=True, slots=True)
class ShadowCount:
    """Per model and status: shadows, agreements with production, their cost."""

    model: str
    status: str
    assessments: int
    agreements: int | None
    disagreements: int | None
    cost_usd: Decimal


_INSERT = insert(shadow_assessment).on_conflict_do_nothing(
    constraint="uq_shadow_assessment_claim_round"
)


async def record(*, conn: AsyncConnection, values: dict[str, Any]) -> None:
    """Store a shadow's outcome (idempotent: a retried write stores nothing twice)."""
    await conn.execute(_INSERT, values)


async def spent_today(*, conn: AsyncConnection, model: str, now: dt.datetime) -> Decimal:
    """What `model` has cost in shadow assessments since midnight UTC."""
    midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    spent = await conn.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(shadow_assessment.c.cost_usd), 0)).where(
            shadow_assessment.c.model == model, shadow_assessment.c.created_at >= midnight
        )
    )
    return Decimal(str(spent))


def _latest_decision(value: sa.ColumnElement[Any], decided_by: str) -> sa.ScalarSelect[Any]:
    """`value` of the claim's latest decision by `decided_by` (model, adjuster), if any."""
    return (
        sa.select(value)
        .where(
            decision.c.claim_id == shadow_assessment.c.claim_id,
            decision.c.decided_by == decided_by,
        )
        .order_by(decision.c.step.desc())
        .limit(1)
        .scalar_subquery()
    )


def _production_route() -> sa.ScalarSelect[Any]:
    """The route production's model decided for the same claim (its latest assessment)."""
    route = sa.case((decision.c.outcome == "approve", "auto_approve"), else_="human_review")
    return _latest_decision(route, "model")


async def for_claim(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[ShadowRow]:
    """A claim's shadows, oldest first, each with production's route beside it."""
    result = await conn.execute(
        sa.select(shadow_assessment, _production_route().label("production_route"))
        .where(shadow_assessment.c.claim_id == claim_id)
        .order_by(shadow_assessment.c.round, shadow_assessment.c.id)
    )
    return rows.every(ShadowRow, result.mappings())


def _model_rounds() -> sa.CTE:
    """Production's model decisions numbered by round (the k-th assessment of a claim is its
    round k, as shadows count them), each with the step where the next round begins."""
    by_claim, in_order = decision.c.claim_id, decision.c.step
    return (
        sa.select(
            decision.c.claim_id,
            decision.c.step,
            decision.c.outcome,
            sa.func.row_number().over(partition_by=by_claim, order_by=in_order).label("round"),
            sa.func.lead(decision.c.step)
            .over(partition_by=by_claim, order_by=in_order)
            .label("next_step"),
        )
        .where(decision.c.decided_by == "model")
        .cte("model_rounds")
    )


async def since(*, conn: AsyncConnection, start: dt.datetime) -> list[LiveShadowRow]:
    """Every shadow since `start`, each beside the decisions of its own round: production's
    route, and the first adjuster's decision after that round's assessment (before the next
    round's), with the claim's payable amount (for `claims eval --live`)."""
    rounds = _model_rounds()
    adjuster = (
        sa.select(decision.c.outcome)
        .where(
            decision.c.claim_id == shadow_assessment.c.claim_id,
            decision.c.decided_by == "adjuster",
            decision.c.step > rounds.c.step,
            sa.or_(rounds.c.next_step.is_(None), decision.c.step < rounds.c.next_step),
        )
        .order_by(decision.c.step)
        .limit(1)
        .scalar_subquery()
    )
    route = sa.case((rounds.c.outcome == "approve", "auto_approve"), else_="human_review")
    result = await conn.execute(
        sa.select(
            shadow_assessment,
            sa.case((rounds.c.step.is_(None), None), else_=route).label("production_route"),
            adjuster.label("adjuster_outcome"),
            claim.c.payable_amount,
        )
        .join(claim, claim.c.claim_id == shadow_assessment.c.claim_id)
        .outerjoin(
            rounds,
            sa.and_(
                rounds.c.claim_id == shadow_assessment.c.claim_id,
                rounds.c.round == shadow_assessment.c.round,
            ),
        )
        .where(shadow_assessment.c.created_at >= start)
        .order_by(shadow_assessment.c.created_at, shadow_assessment.c.id)
    )
    return rows.every(LiveShadowRow, result.mappings())


async def counts(*, conn: AsyncConnection) -> list[ShadowCount]:
    """Per model and status: how many shadows, how many agree with production, their cost."""
    production = _production_route()
    agrees = sa.case((shadow_assessment.c.route == production, 1), else_=0)
    disagrees = sa.case(
        (
            sa.and_(
                shadow_assessment.c.route.is_not(None), shadow_assessment.c.route != production
            ),
            1,
        ),
        else_=0,
    )
    result = await conn.execute(
        sa.select(
            shadow_assessment.c.model,
            shadow_assessment.c.status,
            sa.func.count().label("assessments"),
            sa.func.sum(agrees).label("agreements"),
            sa.func.sum(disagrees).label("disagreements"),
            sa.func.coalesce(sa.func.sum(shadow_assessment.c.cost_usd), 0).label("cost_usd"),
        ).group_by(shadow_assessment.c.model, shadow_assessment.c.status)
    )
    return rows.every(ShadowCount, result.mappings())
