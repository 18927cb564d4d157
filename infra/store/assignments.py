"""Who holds a claim (one row per held claim), and staff's own history of it: taken, released,
reassigned, decided over another's hold. Each change and its history entry are one
transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import rows
from infra.tables import claim_assignment, staff_event


@dataclass(frozen=True, slots=True)
class Holder:
    assignee: str
    assigned_by: str
    assigned_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StaffEvent:
    kind: str
    actor: str
    detail: dict[str, Any]
    at: dt.datetime


async def holder(*, conn: AsyncConnection, claim_id: uuid.UUID) -> Holder | None:
    result = await conn.execute(
        sa.select(
            claim_assignment.c.assignee,
            claim_assignment.c.assigned_by,
            claim_assignment.c.assigned_at,
        ).where(claim_assignment.c.claim_id == claim_id)
    )
    return rows.one(Holder, result.mappings().one_or_none())


async def record(
    *, conn: AsyncConnection, claim_id: uuid.UUID, kind: str, actor: str, detail: dict[str, Any]
) -> None:
    await conn.execute(
        sa.insert(staff_event).values(claim_id=claim_id, kind=kind, actor=actor, detail=detail)
    )


async def assign(
    *, conn: AsyncConnection, claim_id: uuid.UUID, assignee: str, by: str
) -> Holder | None:
    """Give the claim to `assignee`; the holder it had before (locked while it changes)."""
    before = await conn.execute(
        sa.select(
            claim_assignment.c.assignee,
            claim_assignment.c.assigned_by,
            claim_assignment.c.assigned_at,
        )
        .where(claim_assignment.c.claim_id == claim_id)
        .with_for_update()
    )
    previous = rows.one(Holder, before.mappings().one_or_none())
    values = {"assignee": assignee, "assigned_by": by, "assigned_at": sa.func.now()}
    await conn.execute(
        insert(claim_assignment)
        .values(claim_id=claim_id, **values)
        .on_conflict_do_update(index_elements=[claim_assignment.c.claim_id], set_=values)
    )
    return previous


async def release(*, conn: AsyncConnection, claim_id: uuid.UUID) -> Holder | None:
    """Nobody holds the claim now; who did."""
    result = await conn.execute(
        sa.delete(claim_assignment)
        .where(claim_assignment.c.claim_id == claim_id)
        .returning(
            claim_assignment.c.assignee,
            claim_assignment.c.assigned_by,
            claim_assignment.c.assigned_at,
        )
    )
    return rows.one(Holder, result.mappings().one_or_none())


async def history(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[StaffEvent]:
    result = await conn.execute(
        sa.select(staff_event.c.kind, staff_event.c.actor, staff_event.c.detail, staff_event.c.at)
        .where(staff_event.c.claim_id == claim_id)
        .order_by(staff_event.c.id)
    )
    return rows.every(StaffEvent, result.mappings())
