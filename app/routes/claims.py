"""Claims: submit, read, list."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.http import metrics
from app.http.auth import AnyCaller, Submitter
from app.http.deps import FilesDep, ReadsDep, SettingsDep, SubmissionFilesDep, SubmissionsDep
from app.http.openapi import (
    AUTHENTICATED,
    CLAIM_SCOPED,
    ROLE_CHECKED,
    TEMPORAL_NEEDED,
    WITH_BODY,
)
from app.http.problems import Problem
from app.http.uploads import UploadRefusedError, receive_upload, refusal
from app.schemas import ClaimOut, ClaimPage, SubmitResponse
from app.services import pagination
from app.services.errors import ConflictError, InvalidFieldError, MethodNotAllowedError
from app.services.reads import ClaimFilter
from app.services.submission import StartOutcome, Submissions, claim_id_for
from claims.lifecycle import ClaimStatus
from claims.models import POLICY_NUMBER_PATTERN, ClaimSubmission
from claims.transitions import SubmittedFile
from infra.api_keys import ApiKey
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
    submissions: SubmissionsDep,
    idempotency_key: IdempotencyKey = None,
) -> SubmitResponse:
    """Accept a claim and start its workflow; processing continues asynchronously."""
    now = dt.datetime.now(dt.UTC)
    _not_in_the_future(submission, now)
    return await _start(response, submissions, caller, submission, idempotency_key, now)


def _not_in_the_future(submission: ClaimSubmission, now: dt.datetime) -> None:
    if submission.incident_date > now.date():
        raise InvalidFieldError("incident_date", "incident_date is in the future")


async def _start(
    response: Response,
    submissions: Submissions,
    caller: ApiKey,
    submission: ClaimSubmission,
    idempotency_key: str | None,
    now: dt.datetime,
    *,
    claim_id: uuid.UUID | None = None,
    files: Sequence[SubmittedFile] = (),
) -> SubmitResponse:
    started = await submissions.start(
        caller, submission, idempotency_key, now, claim_id=claim_id, files=files
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
        claim_number=started.claim_number,
        workflow_id=started.workflow_id,
        status=ClaimStatus.SUBMITTED,
        submitted_at=started.submitted_at,
    )


_WITH_DOCUMENTS: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "claim": {
                        "type": "string",
                        "description": "the claim, as the JSON body of POST /v1/claims",
                    },
                    "file": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "photos and PDFs, typed by their content",
                    },
                },
                "required": ["claim"],
            }
        }
    },
}


@router.post(
    "/with-documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SubmitResponse,
    openapi_extra={"requestBody": _WITH_DOCUMENTS},
    responses={
        200: {"description": "replay of an earlier request with the same Idempotency-Key"},
        409: {
            "model": Problem,
            "description": "the Idempotency-Key was used with a different body or files",
        },
        413: {"model": Problem, "description": "a file, or all of them, over the limits"},
        415: {"model": Problem, "description": "a file that is not a JPEG, PNG, WebP, HEIC or PDF"},
        **ROLE_CHECKED,
        **WITH_BODY,
        **TEMPORAL_NEEDED,
    },
)
async def submit_claim_with_documents(
    request: Request,
    response: Response,
    caller: Submitter,
    submissions: SubmissionsDep,
    settings: SettingsDep,
    files: FilesDep,
    staging: SubmissionFilesDep,
    idempotency_key: IdempotencyKey = None,
) -> SubmitResponse:
    """A claim and its photos and PDFs in one request (`multipart/form-data`: the claim as JSON
    in the part `claim`, each file in a part `file`). Every file is checked before the claim
    starts: one that is refused refuses the request, and nothing is started or kept."""
    async with files.upload_slot(caller):
        with tempfile.TemporaryDirectory(prefix="claims-upload-") as scratch:
            try:
                upload = await receive_upload(
                    request,
                    Path(scratch),
                    max_file_bytes=settings.documents_max_file_bytes,
                    max_files=settings.documents_max_per_claim,
                    max_field_bytes=settings.max_claim_body_bytes,
                )
            except UploadRefusedError as refused:
                raise refusal(refused) from None
            submission = _claim_part(upload.fields.get("claim"))
            now = dt.datetime.now(dt.UTC)
            _not_in_the_future(submission, now)
            claim_id = claim_id_for(caller, idempotency_key)
            stored = await staging.stage(claim_id, upload.files)
    return await _start(
        response,
        submissions,
        caller,
        submission,
        idempotency_key,
        now,
        claim_id=claim_id,
        files=stored,
    )


@router.api_route(
    "/with-documents",
    methods=["GET", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
async def with_documents_is_post_only() -> None:
    """Declared before GET /{claim_id}, which would read `with-documents` as a malformed id."""
    raise MethodNotAllowedError("POST")


def _claim_part(raw: str | None) -> ClaimSubmission:
    if raw is None:
        error = {"loc": ("body", "claim"), "msg": "the part `claim` is missing", "type": "missing"}
        raise RequestValidationError([error])
    try:
        return ClaimSubmission.model_validate(json.loads(raw))
    except ValueError as exc:
        errors = (
            [{**e, "loc": ("body", "claim", *e["loc"])} for e in exc.errors(include_url=False)]
            if isinstance(exc, ValidationError)
            else [{"loc": ("body", "claim"), "msg": "not JSON", "type": "json_invalid"}]
        )
        raise RequestValidationError(errors) from None


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
