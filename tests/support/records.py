"""Direct database fixtures for activity tests: a committed claim row to hang records on."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from claims.transitions import Submitted
from infra.store import claims as claim_store
from tools import samples as f


async def committed_claim(engine: AsyncEngine) -> uuid.UUID:
    claim_id = uuid.uuid4()
    async with engine.begin() as conn:
        record = Submitted(
            claim_id=claim_id,
            workflow_id=f"claim-{claim_id}",
            submission=f.submission("P-records"),
            submitted_at=dt.datetime.now(dt.UTC),
        )
        await claim_store.record_submission(conn=conn, record=record)
    return claim_id


async def count_rows(engine: AsyncEngine, table: sa.Table, claim_id: uuid.UUID) -> int:
    async with engine.connect() as conn:
        count = await conn.scalar(
            sa.select(sa.func.count()).select_from(table).where(table.c.claim_id == claim_id)
        )
    return int(count or 0)
