"""Claims: submit, read, list."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app import errors, live, metrics, pagination
from app.auth import AnyCaller, Submitter
from app.deps import ClientDep, EngineDep, SettingsDep
from app.ownership import may_see, owner_filter
from app.problems import Problem
from app.responses import (
    AUTHENTICATED,
    CLAIM_SCOPED,
    ROLE_CHECKED,
    TEMPORAL_NEEDED,
    WITH_BODY,
)
from app.schemas import ClaimOut, ClaimPage, SubmitResponse
from app.submission import StartOutcome, start_claim
from app.views import claimant_view, shadows_of, summary, view_of_row
from claims.lifecycle import ClaimStatus
from claims.models import POLICY_NUMBER_PATTERN, ClaimSubmission
from contracts import search_attributes as sa
from infra.logging import CLAIM_ID
from infra.settings import Role
from infra.store import claims as claim_store

router = APIRouter(prefix="/v1/claims", tags=["claims"], responses=AUTHENTICATED)

IdempotencyKey = Annotated[
    str | None,
    # Visible ASCII only: the key is hashed into the claim id and may be logged by proxies.
    Header(alias="Idempotency-Key", pattern=r"^[\x21-\x7e]{1,200}$"),
]


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SubmitResponse,
    responses={
        200: {"description": "replay of an earlier request with the same Idempotency-Key"},
        409: {
            "model": Problem,
            "description": "the Idempotency-Key was used with a different body",
        },
        **ROLE_CHECKED,
        **WITH_BODY,
        **TEMPORAL_NEEDED,
    },
)
async def submit_claim(
    submission: ClaimSubmission,
    response: Response,
    caller: Submitter,
    client: ClientDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> SubmitResponse:
    """Accept a claim and start its workflow; processing continues asynchronously."""
    now = dt.datetime.now(dt.UTC)
    if submission.incident_date > now.date():
        raise errors.field_error("incident_date", "incident_date is in the future")
    started = await start_claim(
        client=client,
        settings=settings,
        caller=caller,
        submission=submission,
        idempotency_key=idempotency_key,
        now=now,
    )
    CLAIM_ID.set(str(started.claim_id))
    if started.outcome is StartOutcome.CONFLICT:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="Idempotency-Key was already used with a different request body",
        )
    if started.outcome is StartOutcome.REPLAYED:
        response.status_code = status.HTTP_200_OK
    else:
        metrics.CLAIMS_SUBMITTED.inc()
    response.headers["Location"] = f"/v1/claims/{started.claim_id}"
    return SubmitResponse(
        claim_id=started.claim_id,
        workflow_id=started.workflow_id,
        status=ClaimStatus.SUBMITTED,
        submitted_at=started.submitted_at,
    )


@router.get("/{claim_id}", response_model=ClaimOut, responses=CLAIM_SCOPED)
async def get_claim(
    claim_id: uuid.UUID, caller: AnyCaller, engine: EngineDep, client: ClientDep
) -> ClaimOut:
    """The claim with its decision, payment, documents and audit trail.

    Served from Postgres alone, in one snapshot: the workflow records each state change (status
    and its event in one transaction) before it moves on, so the row is the claim's state, and
    its status always comes with its own event. No workflow query: a read costs the claims
    worker nothing. In the moment before the first record, the claim is the submission in its
    workflow's start event, and nothing has happened to it yet: it is `submitted`.
    """
    recorded = await _recorded(engine, claim_id)
    if recorded is None:
        workflow_input = await live.started_input(client, claim_id)
        if workflow_input is None or not may_see(caller, workflow_input.submitted_by):
            raise errors.not_found(claim_id)
        # The first record may have landed while the history was read: then the row answers.
        recorded = await _recorded(engine, claim_id)
        if recorded is None:
            return live.from_workflow(workflow_input, None)
    submitted_by, view = recorded
    if not may_see(caller, submitted_by):
        raise errors.not_found(claim_id)
    if caller.role is Role.SUBMITTER:
        return claimant_view(view)
    # Staff also see what candidate models made of the claim (shadow assessments).
    async with engine.connect() as conn:
        return view.model_copy(update={"shadows": await shadows_of(conn=conn, claim_id=claim_id)})


async def _recorded(engine: AsyncEngine, claim_id: uuid.UUID) -> tuple[str, ClaimOut] | None:
    """The recorded claim (its submitter, and its view) from one snapshot, or None."""
    async with engine.connect() as conn:
        snapshot = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with snapshot.begin():
            row = await claim_store.get(conn=snapshot, claim_id=claim_id)
            view = await view_of_row(conn=snapshot, row=row) if row else None
    if row is None or view is None:
        return None
    return row["submitted_by"], view


async def _retrying_claim_ids(client: Client, limit: int) -> list[uuid.UUID]:
    """Claims whose workflow flags a step still failing after a round of retries."""
    query = f"{sa.STEP_RETRYING.name} = true AND ExecutionStatus = 'Running'"
    ids: list[uuid.UUID] = []
    async for execution in client.list_workflows(query, limit=limit):
        prefix, _, claim_id = execution.id.partition("-")
        if prefix == "claim":
            ids.append(uuid.UUID(claim_id))
    return ids


@router.get("", response_model=ClaimPage, responses=ROLE_CHECKED)
async def list_claims(
    caller: AnyCaller,
    engine: EngineDep,
    client: ClientDep,
    status_filter: Annotated[ClaimStatus | None, Query(alias="status")] = None,
    policy_number: Annotated[str | None, Query(pattern=POLICY_NUMBER_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, pattern=pagination.CURSOR_PATTERN)] = None,
    submitted_by: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=r"^[\x21-\x7e]+$",
            description="adjusters and admins: only this principal's claims "
            "(a submitter always lists only its own)",
        ),
    ] = None,
    retrying: Annotated[
        bool,
        Query(description="admin only: claims with a step still failing after a round of retries"),
    ] = False,
) -> ClaimPage:
    """Claims, newest first, `limit` at a time; pass `next_cursor` back as `cursor`.

    `status=needs_attention` lists claims parked for an operator; `retrying=true` lists claims
    whose step keeps failing transiently (an outage), read from Temporal's visibility store.
    """
    before = pagination.decode(cursor) if cursor else None
    if retrying and caller.role is not Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="retrying=true is for admins")
    only = await _retrying_claim_ids(client, 1000) if retrying else None
    async with engine.connect() as conn:
        rows = await claim_store.list_page(
            conn=conn,
            limit=limit + 1,
            status=status_filter.value if status_filter else None,
            policy_number=policy_number,
            before=before,
            claim_ids=only,
            submitted_by=owner_filter(caller, submitted_by),
        )
    items = [summary(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = pagination.encode(last.submitted_at, last.claim_id)
    return ClaimPage(items=items, next_cursor=next_cursor)
