"""Record activities whose chosen steps wait until the test releases them."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

import contracts as c
from activities.records import RecordActivities


class HeldRecords(RecordActivities):
    """Holds the writes of chosen steps until the test releases them, as a slow database would."""

    def __init__(self, engine: AsyncEngine, hold: set[str]) -> None:
        super().__init__(engine)
        self.hold = hold
        self.release = asyncio.Event()
        self.holding = asyncio.Event()

    async def _held(self, *written: str) -> None:
        if self.hold.intersection(written):
            self.holding.set()
            await self.release.wait()

    @activity.defn(name=c.ADMIT.name)
    async def admit_claim(self, record: c.SubmissionRecord) -> c.PolicyCheckResult:
        await self._held("submitted")
        return await super().admit_claim(record)

    @activity.defn(name=c.WRITE_STEPS.name)
    async def record_steps(self, steps: c.StepsInput) -> None:
        await self._held(*(t.event_type for t in steps.transitions))
        await super().record_steps(steps)
