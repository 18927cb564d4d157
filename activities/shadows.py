"""The claims worker's side of shadow assessments (workflows/shadow.py): the daily budget check,
and recording a shadow's outcome beside the claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities import contracts as c
from activities.failures import classified
from infra.store import shadows


class ShadowActivities:
    def __init__(self, engine: AsyncEngine, budget_usd: Decimal) -> None:
        self._engine = engine
        self._budget = budget_usd

    @activity.defn(name=c.SHADOW_WITHIN_BUDGET)
    async def shadow_within_budget(self, request: c.ShadowBudgetInput) -> bool:
        """Whether the candidate may still spend today (UTC) under CLAIMS_LLM_SHADOW_BUDGET_USD."""
        async with classified(c.SHADOW_WITHIN_BUDGET), self._engine.connect() as conn:
            spent = await shadows.spent_today(
                conn=conn, model=request.model, now=dt.datetime.now(dt.UTC)
            )
        return spent < self._budget

    @activity.defn(name=c.RECORD_SHADOW)
    async def record_shadow(self, record: c.ShadowRecord) -> None:
        """Store the shadow's outcome: once per claim, round and candidate."""
        values = record.model_dump(mode="python")
        async with classified(c.RECORD_SHADOW), self._engine.begin() as conn:
            await shadows.record(conn=conn, values=values)
