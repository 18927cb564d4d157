"""Database faults for one claim: a step that fails permanently, or transiently, until fixed.

Real Postgres refusals, scoped to one claim id and one audit event type so no other test's
claim is touched: a CHECK constraint (a permanent data error, SQLSTATE 23514) or a trigger
raising a serialization failure (transient, SQLSTATE 40001).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from claims.lifecycle import EventType


class Fault:
    def __init__(self, engine: AsyncEngine, drop: list[str]) -> None:
        self._engine = engine
        self._drop = drop
        self.fixed = False

    async def fix(self) -> None:
        """Remove the fault: what an operator does once the data or code is corrected."""
        if self.fixed:
            return
        async with self._engine.begin() as conn:
            for statement in self._drop:
                await conn.execute(sa.text(statement))
        self.fixed = True


def _name(claim_id: uuid.UUID, kind: str, event_type: EventType) -> str:
    # One fault per claim, kind and event: a test may refuse two events of one claim.
    return f"test_{kind}_{claim_id.hex[:16]}_{event_type.value}"


@asynccontextmanager
async def refuse_event(
    engine: AsyncEngine, claim_id: uuid.UUID, event_type: EventType
) -> AsyncIterator[Fault]:
    """Writing `event_type` for `claim_id` violates a check constraint until fixed."""
    name = _name(claim_id, "refuse", event_type)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                f"ALTER TABLE claim_event ADD CONSTRAINT {name} CHECK "
                f"(NOT (claim_id = '{claim_id}' AND type = '{event_type}')) NOT VALID"
            )
        )
    fault = Fault(engine, [f"ALTER TABLE claim_event DROP CONSTRAINT IF EXISTS {name}"])
    try:
        yield fault
    finally:
        await fault.fix()


@asynccontextmanager
async def conflict_on_event(
    engine: AsyncEngine, claim_id: uuid.UUID, event_type: EventType
) -> AsyncIterator[Fault]:
    """Writing `event_type` for `claim_id` fails with a serialization failure until fixed."""
    name = _name(claim_id, "conflict", event_type)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.claim_id = '{claim_id}' AND NEW.type = '{event_type}' THEN "
                "RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001'; "
                "END IF; RETURN NEW; END $$"
            )
        )
        await conn.execute(
            sa.text(
                f"CREATE TRIGGER {name} BEFORE INSERT ON claim_event "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        )
    fault = Fault(
        engine,
        [
            f"DROP TRIGGER IF EXISTS {name} ON claim_event",
            f"DROP FUNCTION IF EXISTS {name}()",
        ],
    )
    try:
        yield fault
    finally:
        await fault.fix()
