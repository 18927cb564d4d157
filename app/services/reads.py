"""The read side of claims: one claim as its caller may see it, and pages of claims.

Served from Postgres in one snapshot: the workflow records each state change (status and its
event in one transaction) before it moves on, so the row is the claim's state and its status
always comes with its own event. No workflow query: a read costs the claims worker nothing. In
the moment before the first record, the claim is the submission in its workflow's start event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.schemas import ClaimOut, ClaimPage
from app.services import workflow_view
from app.services.errors import ForbiddenError, NotFoundError
from app.services.ownership import may_see, owner_filter
from app.services.pagination import decode as decode_cursor
from app.services.pagination import encode as encode_cursor
from app.services.views import claimant_view, shadows_of, summary, view_of_row
from claims.lifecycle import ClaimStatus
from contracts import search_attributes as sa
from infra.api_keys import ApiKey, Role
from infra.store import claim_numbers
from infra.store import claims as claim_store


@dataclass(frozen=True)
class ClaimFilter:
    """What a page of claims is restricted to (each None: no restriction)."""

    status: ClaimStatus | None = None
    policy_number: str | None = None
    submitted_by: str | None = None
    # Admins: only claims with a step still failing after a round of retries.
    retrying: bool = False


class ClaimReads:
    def __init__(self, engine: AsyncEngine, client: Client) -> None:
        self._engine = engine
        self._client = client

    async def get(self, caller: ApiKey, claim_id: uuid.UUID) -> ClaimOut:
        """The claim as `caller` may see it: NotFoundError when it is not theirs to see."""
        recorded = await self._recorded(claim_id)
        if recorded is None:
            workflow_input = await workflow_view.started_input(self._client, claim_id)
            if workflow_input is None or not may_see(caller, workflow_input.submitted_by):
                raise NotFoundError(f"claim {claim_id} not found")
            # The first record may have landed while the history was read: the row answers.
            recorded = await self._recorded(claim_id)
            if recorded is None:
                async with self._engine.connect() as conn:
                    number = await claim_numbers.of(conn=conn, claim_id=claim_id)
                return workflow_view.from_workflow(workflow_input, None, number)
        submitted_by, view = recorded
        if not may_see(caller, submitted_by):
            raise NotFoundError(f"claim {claim_id} not found")
        if caller.role is Role.SUBMITTER:
            return claimant_view(view)
        # Staff also see what candidate models made of the claim (shadow assessments).
        async with self._engine.connect() as conn:
            shadows = await shadows_of(conn=conn, claim_id=claim_id)
        return view.model_copy(update={"shadows": shadows})

    async def page(
        self, caller: ApiKey, where: ClaimFilter, *, limit: int, cursor: str | None
    ) -> ClaimPage:
        """Claims newest first, `limit` at a time; a submitter's are always its own."""
        before = decode_cursor(cursor) if cursor else None
        if where.retrying and caller.role is not Role.ADMIN:
            raise ForbiddenError("retrying=true is for admins")
        only = await self._retrying_claim_ids(1000) if where.retrying else None
        async with self._engine.connect() as conn:
            rows = await claim_store.list_page(
                conn=conn,
                limit=limit + 1,
                status=where.status.value if where.status else None,
                policy_number=where.policy_number,
                before=before,
                claim_ids=only,
                submitted_by=owner_filter(caller, where.submitted_by),
            )
        items = [summary(row) for row in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor(last.submitted_at, last.claim_id)
        return ClaimPage(items=items, next_cursor=next_cursor)

    async def _recorded(self, claim_id: uuid.UUID) -> tuple[str | None, ClaimOut] | None:
        """The recorded claim (its submitter, and its view) from one snapshot, or None."""
        async with self._engine.connect() as conn:
            snapshot = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with snapshot.begin():
                row = await claim_store.get(conn=snapshot, claim_id=claim_id)
                view = await view_of_row(conn=snapshot, row=row) if row else None
        if row is None or view is None:
            return None
        return row.submitted_by, view

    async def _retrying_claim_ids(self, limit: int) -> list[uuid.UUID]:
        """Claims whose workflow flags a step still failing after a round of retries."""
        query = f"{sa.STEP_RETRYING.name} = true AND ExecutionStatus = 'Running'"
        ids: list[uuid.UUID] = []
        async for execution in self._client.list_workflows(query, limit=limit):
            prefix, _, claim_id = execution.id.partition("-")
            if prefix == "claim":
                ids.append(uuid.UUID(claim_id))
        return ids
