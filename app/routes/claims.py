"""Claims: submit, read, list."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.http import metrics
from app.http.auth import AnyCaller, Submitter
from app.http.deps import ClientDep, ReadsDep, SettingsDep
from app.http.openapi import (
    AUTHENTICATED,
    CLAIM_SCOPED,
    ROLE_CHECKED,
    TEMPORAL_NEEDED,
    WITH_BODY,
)
from app.http.problems import Problem
from app.schemas import ClaimOut, ClaimPage, SubmitResponse
from app.services import pagination
from app.services.errors import ConflictError, InvalidFieldError
from app.services.reads import ClaimFilter
from app.services.submission import StartOutcome, start_claim
from claims.lifecycle import ClaimStatus
from claims.models import POLICY_NUMBER_PATTERN, ClaimSubmission
from infra.logging import CLAIM_ID

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
        raise InvalidFieldError("incident_date", "incident_date is in the future")
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
        raise ConflictError("Idempotency-Key was already used with a different request body")
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
async def get_claim(claim_id: uuid.UUID, caller: AnyCaller, reads: ReadsDep) -> ClaimOut:
    """The claim with its decision, payment, documents and audit trail.

    Served from Postgres alone, in one snapshot: the row is the claim's state, and its status
    always comes with its own event. In the moment before the first record, the claim is the
    submission in its workflow's start event: it is `submitted`.
    """
    return await reads.get(caller, claim_id)


@router.get("", response_model=ClaimPage, responses=ROLE_CHECKED)
async def list_claims(
    caller: AnyCaller,
    reads: ReadsDep,
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
    where = ClaimFilter(
        status=status_filter,
        policy_number=policy_number,
        submitted_by=submitted_by,
        retrying=retrying,
    )
    return await reads.page(caller, where, limit=limit, cursor=cursor)
