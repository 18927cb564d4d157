"""Business figures read from the system of record, for the metrics endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import shadows
from infra.tables import claim, decision


@dataclass
class BusinessStats:
    decisions: dict[tuple[str, str], int] = field(default_factory=dict)
    claims_by_status: dict[str, int] = field(default_factory=dict)
    escalated_in_review: int = 0
    llm_input_tokens: int = 0
    llm_output_tokens: int = 0
    llm_cost_usd: Decimal = Decimal(0)
    llm_calls_by_model: dict[str, int] = field(default_factory=dict)
    # Shadow assessments per (model, status); agreements, disagreements and cost per model.
    shadows: dict[tuple[str, str], int] = field(default_factory=dict)
    shadow_agreements: dict[str, int] = field(default_factory=dict)
    shadow_disagreements: dict[str, int] = field(default_factory=dict)
    shadow_cost_usd: dict[str, Decimal] = field(default_factory=dict)


async def business_stats(*, conn: AsyncConnection) -> BusinessStats:
    """Decisions by outcome and decider, claims by status, review queue, LLM usage and cost."""
    stats = BusinessStats()
    rows = await conn.execute(
        sa.select(decision.c.outcome, decision.c.decided_by, sa.func.count()).group_by(
            decision.c.outcome, decision.c.decided_by
        )
    )
    stats.decisions = {(r[0], r[1]): int(r[2]) for r in rows}
    rows = await conn.execute(sa.select(claim.c.status, sa.func.count()).group_by(claim.c.status))
    stats.claims_by_status = {r[0]: int(r[1]) for r in rows}
    stats.escalated_in_review = int(
        await conn.scalar(
            sa.select(sa.func.count()).where(
                claim.c.status == "awaiting_review", claim.c.escalated.is_(True)
            )
        )
        or 0
    )
    usage = (
        await conn.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(decision.c.input_tokens), 0),
                sa.func.coalesce(sa.func.sum(decision.c.output_tokens), 0),
                sa.func.coalesce(sa.func.sum(decision.c.cost_usd), 0),
            )
        )
    ).one()
    stats.llm_input_tokens, stats.llm_output_tokens = int(usage[0]), int(usage[1])
    stats.llm_cost_usd = Decimal(usage[2])
    rows = await conn.execute(
        sa.select(decision.c.model_name, sa.func.count())
        .where(decision.c.model_name.is_not(None))
        .group_by(decision.c.model_name)
    )
    stats.llm_calls_by_model = {r[0]: int(r[1]) for r in rows}
    for count in await shadows.counts(conn=conn):
        model = count.model
        stats.shadows[(model, count.status)] = count.assessments
        stats.shadow_agreements[model] = stats.shadow_agreements.get(model, 0) + int(
            count.agreements or 0
        )
        stats.shadow_disagreements[model] = stats.shadow_disagreements.get(model, 0) + int(
            count.disagreements or 0
        )
        stats.shadow_cost_usd[model] = stats.shadow_cost_usd.get(model, Decimal(0)) + Decimal(
            count.cost_usd
        )
    return stats
