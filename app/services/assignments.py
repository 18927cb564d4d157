"""Adjusters work as a team: a claim waiting for a person can be taken (held), released, or
reassigned by an admin, and each change is in the claim's staff history (who, when, from whom).
Holding is a claim on the work, not a lock: another adjuster may still decide, after saying
so (the console asks), and the override is recorded."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.errors import ConflictError, ForbiddenError, InvalidFieldError, NotFoundError
from claims.lifecycle import ClaimStatus
from infra.api_keys import ApiKey, Role
from infra.store import assignments, principals
from infra.store import claims as claim_store
from infra.store.assignments import Holder, StaffEvent

MAX_NOTE = 4000
STAFF_ROLES = frozenset({Role.ADJUSTER.value, Role.ADMIN.value})


class Assignments:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def holder(self, claim_id: uuid.UUID) -> Holder | None:
        async with self._engine.connect() as conn:
            return await assignments.holder(conn=conn, claim_id=claim_id)

    async def history(self, claim_id: uuid.UUID) -> list[StaffEvent]:
        async with self._engine.connect() as conn:
            return await assignments.history(conn=conn, claim_id=claim_id)

    async def take(self, caller: ApiKey, claim_id: uuid.UUID) -> None:
        await self._assign(caller, claim_id, caller.name)

    async def reassign(self, caller: ApiKey, claim_id: uuid.UUID, to: str) -> None:
        if caller.role is not Role.ADMIN:
            raise ForbiddenError("only admins reassign a claim")
        await self._assign(caller, claim_id, to.strip())

    async def release(self, caller: ApiKey, claim_id: uuid.UUID) -> None:
        async with self._engine.begin() as conn:
            held = await assignments.holder(conn=conn, claim_id=claim_id)
            if held is None:
                return
            if held.assignee != caller.name and caller.role is not Role.ADMIN:
                raise ForbiddenError(
                    f"{held.assignee} holds this claim; only they or an admin release it"
                )
            await assignments.release(conn=conn, claim_id=claim_id)
            await assignments.record(
                conn=conn,
                claim_id=claim_id,
                kind="released",
                actor=caller.name,
                detail={"from": held.assignee},
            )

    async def add_note(self, caller: ApiKey, claim_id: uuid.UUID, text: str) -> None:
        """An internal note, at any time, apart from any decision: staff read it, nobody else."""
        text = text.strip()
        if not text:
            raise InvalidFieldError("text", "write the note first")
        if len(text) > MAX_NOTE:
            raise InvalidFieldError("text", f"a note is at most {MAX_NOTE} characters")
        if any(ord(c) < 32 and c not in "\n\t\r" for c in text):
            raise InvalidFieldError("text", "a note is plain text")
        async with self._engine.begin() as conn:
            if await claim_store.get(conn=conn, claim_id=claim_id) is None:
                raise NotFoundError(f"claim {claim_id} not found")
            await assignments.record(
                conn=conn, claim_id=claim_id, kind="note", actor=caller.name, detail={"text": text}
            )

    async def overridden(self, caller: ApiKey, claim_id: uuid.UUID, held_by: str) -> None:
        """A decision taken on a claim someone else held (the console asked first)."""
        async with self._engine.begin() as conn:
            await assignments.record(
                conn=conn,
                claim_id=claim_id,
                kind="override",
                actor=caller.name,
                detail={"held_by": held_by},
            )

    async def _assign(self, caller: ApiKey, claim_id: uuid.UUID, to: str) -> None:
        async with self._engine.begin() as conn:
            row = await claim_store.get(conn=conn, claim_id=claim_id)
            if row is None:
                raise NotFoundError(f"claim {claim_id} not found")
            if ClaimStatus(row.status).is_terminal:
                raise ConflictError(f"claim {row.claim_number} is {row.status}: no work to take")
            target = await principals.get(conn=conn, name=to)
            if target is None or not target.active or target.role not in STAFF_ROLES:
                raise InvalidFieldError(
                    "assignee", f"{to or 'nobody'} is not an active adjuster or admin"
                )
            previous = await assignments.assign(
                conn=conn, claim_id=claim_id, assignee=to, by=caller.name
            )
            if previous is not None and previous.assignee == to:
                return
            await assignments.record(
                conn=conn,
                claim_id=claim_id,
                kind="taken" if to == caller.name else "reassigned",
                actor=caller.name,
                detail={"to": to} | ({"from": previous.assignee} if previous else {}),
            )
