"""The claims worker's side of shadow assessments (workflows/shadow.py): reserving what a shadow
may cost against its model's daily budget before the call, and recording its outcome beside the
claim, settling the reservation to what it cost, in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

import contracts as c
from activities.failures import classified
from activities.shadow_prices import estimate
from infra.store import shadow_spend, shadows

log = logging.getLogger(__name__)


class ShadowActivities:
    def __init__(
        self,
        engine: AsyncEngine,
        budget_usd: Decimal,
        prices: Mapping[str, Decimal] | None = None,
    ) -> None:
        self._engine = engine
        self._budget = budget_usd
        self._prices = dict(prices or {})
        self._unpriced_said: set[str] = set()

    @activity.defn(name=c.RESERVE_SHADOW.name)
    async def shadow_within_budget(self, request: c.ShadowBudgetInput) -> bool:
        """Reserve what this shadow may cost against its model's budget for today (UTC)
        (CLAIMS_LLM_SHADOW_BUDGET_USD); False when it does not fit, or nothing prices the
        model (an unknown cost is never taken for free)."""
        each = estimate(request.model, self._prices)
        amount = None if each is None else each * max(request.calls, 1)
        if amount is None:
            if request.model not in self._unpriced_said:
                self._unpriced_said.add(request.model)
                log.warning(
                    "shadow model %s has no price (litellm cannot price it and "
                    "CLAIMS_LLM_SHADOW_PRICES does not name it): its shadows are over budget",
                    request.model,
                )
            return False
        if request.claim_id is None:  # pragma: no cover - inputs before reservations existed
            return amount <= self._budget
        async with classified(c.RESERVE_SHADOW.name), self._engine.begin() as conn:
            key = shadow_spend.ShadowKey(
                request.claim_id, request.round, request.model, request.prompt_version
            )
            return await shadow_spend.reserve(
                conn=conn,
                key=key,
                amount=amount,
                budget=self._budget,
                day=dt.datetime.now(dt.UTC).date(),
            )

    @activity.defn(name=c.WRITE_SHADOW.name)
    async def record_shadow(self, record: c.ShadowRecord) -> None:
        """Store the shadow's outcome, once per claim, round and candidate, and settle its
        reservation: to the cost the provider reported; to the reservation itself when a call
        may have been billed but its cost is unknown; released when no model answered and none
        reported a cost (a refused or failed call)."""
        values = record.model_dump(mode="python")
        key = shadow_spend.ShadowKey(
            record.claim_id, record.round, record.model, record.prompt_version
        )
        reported = record.cost_usd if record.cost_usd and record.cost_usd > 0 else None
        async with classified(c.WRITE_SHADOW.name), self._engine.begin() as conn:
            await shadows.record(conn=conn, values=values)
            if record.status == "failed" and reported is None:
                await shadow_spend.release(conn=conn, key=key)
            elif record.status != "over_budget":
                await shadow_spend.settle(conn=conn, key=key, spent=reported)
