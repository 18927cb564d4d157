"""What people do to a claim in flight: review it, cancel it, add documents to it.

Each is a Temporal update with a validator: a request the claim cannot take is refused before
it enters the workflow's history, and the refusal maps to 409 (wrong state) or 422 (bad input).
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from app import errors, live, metrics
from app.auth import Adjuster, Admin, Submitter
from app.deps import ClientDep, EngineDep, SettingsDep
from app.ownership import may_see
from app.problems import Problem
from app.responses import (
    AUTHENTICATED,
    CLAIM_SCOPED,
    ROLE_CHECKED,
    TEMPORAL_NEEDED,
    WITH_BODY,
)
from app.schemas import (
    MAX_DOCUMENT_BYTES,
    CancelRequest,
    ClaimOut,
    DocumentIn,
    DocumentOut,
    ReviewRequest,
)
from app.views import claim_view
from claims.lifecycle import ClaimStatus, ErrorType
from infra.settings import ApiKey, Settings
from infra.store import claims as claim_store
from infra.store import documents
from workflows.contracts import (
    ADD_DOCUMENT_UPDATE,
    CANCEL_UPDATE,
    RETRY_UPDATE,
    REVIEW_UPDATE,
    Actor,
    CancelInput,
    ClaimState,
    DocumentAdded,
    RetryInput,
    ReviewInput,
    workflow_id_for,
)

router = APIRouter(
    prefix="/v1/claims",
    tags=["claims"],
    responses=AUTHENTICATED | ROLE_CHECKED | WITH_BODY | CLAIM_SCOPED | TEMPORAL_NEEDED,
)

_PENDING: dict[str, Any] = {
    "description": "the claim did not answer in time; the request may still be applied "
    "(poll the claim at Location)",
    "model": ClaimOut,
}


async def _status_and_owner(
    engine: AsyncEngine, client: Client, claim_id: uuid.UUID
) -> tuple[str, str | None] | None:
    """The claim's status and owner, from its row or (before the row exists) its workflow."""
    async with engine.connect() as conn:
        row = await claim_store.get(conn=conn, claim_id=claim_id)
    if row is not None:
        return str(row["status"]), row["submitted_by"]
    started = await live.started_input(client, claim_id)
    if started is None:
        return None
    return ClaimStatus.SUBMITTED.value, started.submitted_by


async def _current_status(
    engine: AsyncEngine, client: Client, claim_id: uuid.UUID, caller: ApiKey
) -> str:
    """The claim's status; 404 when there is no such claim, or it is not the caller's to see."""
    found = await _status_and_owner(engine, client, claim_id)
    if found is None or not may_see(caller, found[1]):
        raise errors.not_found(claim_id)
    return found[0]


# Refusals that can be spurious for a moment after a crash: the claim's Postgres steps run as
# local activities, so a step recorded just before a worker died is on the row before the
# replaying workflow has run it again (issue 11). While the row says the claim takes the
# request, the refusal is the workflow catching up, and the request is sent again.
_CATCHING_UP: dict[str, ClaimStatus] = {
    ErrorType.CLAIM_NOT_AWAITING_REVIEW: ClaimStatus.AWAITING_REVIEW,
    ErrorType.CLAIM_NOT_PARKED: ClaimStatus.NEEDS_ATTENTION,
}
_CATCH_UP_PAUSE_S = (0.05, 0.1, 0.2, 0.5)


def _refusal_type(err: WorkflowUpdateFailedError) -> str | None:
    cause = err.cause
    return cause.type if isinstance(cause, ApplicationError) else None


async def _row_status(engine: AsyncEngine, claim_id: uuid.UUID) -> str | None:
    async with engine.connect() as conn:
        row = await claim_store.get(conn=conn, claim_id=claim_id)
    return None if row is None else str(row["status"])


async def _send_update(
    client: Client,
    engine: AsyncEngine,
    claim_id: uuid.UUID,
    name: str,
    argument: Any,
    catch_up_for_s: float,
) -> ClaimState:
    """Send the update, again while the workflow is catching up with its own row.

    After `catch_up_for_s` a refusal stands: it is a refusal, not a request still pending.
    """
    catch_up_until = asyncio.get_running_loop().time() + catch_up_for_s
    handle = client.get_workflow_handle(workflow_id_for(claim_id))
    for attempt in itertools.count():
        try:
            update = await handle.start_update(
                name,
                argument,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                result_type=ClaimState,
            )
            state: ClaimState = await update.result()
            return state
        except WorkflowUpdateFailedError as err:
            takes_it = _CATCHING_UP.get(_refusal_type(err) or "")
            if (
                takes_it is None
                or asyncio.get_running_loop().time() >= catch_up_until
                or await _row_status(engine, claim_id) != takes_it
            ):
                raise
            await asyncio.sleep(_CATCH_UP_PAUSE_S[min(attempt, len(_CATCH_UP_PAUSE_S) - 1)])
    raise AssertionError("unreachable")  # pragma: no cover


async def _update(
    client: Client,
    engine: AsyncEngine,
    settings: Settings,
    claim_id: uuid.UUID,
    name: str,
    argument: Any,
) -> ClaimState | None:
    """Send an update and wait at most `update_wait_s` for its answer.

    Returns None when the workflow has not answered in time (it may be parked or its worker
    down): the update stays with Temporal and may still be applied, so the caller answers 202
    and the client polls the claim. A refusal maps to the HTTP error that explains it.
    """
    try:
        async with asyncio.timeout(settings.update_wait_s):
            return await _send_update(
                client, engine, claim_id, name, argument, catch_up_for_s=settings.update_wait_s / 2
            )
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # The SDK reports our deadline cancelling its wait as its own error type.
        return None
    except WorkflowUpdateFailedError as err:
        raise errors.from_update_failure(err) from err
    except RPCError as err:
        found = await _status_and_owner(engine, client, claim_id)
        current = found[0] if found else ClaimStatus.SUBMITTED.value
        raise errors.from_rpc_error(err, claim_id, current) from err


def _pending(response: Response, claim_id: uuid.UUID) -> None:
    """The update was not answered in time: 202, and where to watch the claim."""
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/v1/claims/{claim_id}"


async def _claim_after(engine: AsyncEngine, client: Client, claim_id: uuid.UUID) -> ClaimOut:
    async with engine.connect() as conn:
        view = await claim_view(conn=conn, claim_id=claim_id)
    if view is None:
        workflow_input = await live.started_input(client, claim_id)
        if workflow_input is None:  # pragma: no cover - the update above found the workflow
            raise errors.not_found(claim_id)
        return live.from_workflow(workflow_input, await live.query_state(client, claim_id))
    return view


def _actor(caller: ApiKey) -> Actor:
    return Actor(name=caller.name, role=caller.role.value)


@router.post(
    "/{claim_id}/review",
    response_model=ClaimOut,
    responses={
        202: _PENDING,
        409: {"model": Problem, "description": "the claim is not awaiting review"},
    },
)
async def review_claim(
    claim_id: uuid.UUID,
    body: ReviewRequest,
    caller: Adjuster,
    client: ClientDep,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> ClaimOut:
    """An adjuster's decision: approve (optionally a partial amount), reject or request_info."""
    await _current_status(engine, client, claim_id, caller)
    review = ReviewInput(
        decision=body.decision,
        approved_amount=body.approved_amount,
        note=body.note,
        adjuster_name=caller.name,
        adjuster_role=caller.role.value,
    )
    if await _update(client, engine, settings, claim_id, REVIEW_UPDATE, review) is None:
        _pending(response, claim_id)
    else:
        metrics.REVIEWS.labels(decision=body.decision.value).inc()
    return await _claim_after(engine, client, claim_id)


@router.post(
    "/{claim_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ClaimOut,
    responses={
        409: {
            "model": Problem,
            "description": "payment has started or the claim is already settled",
        }
    },
)
async def cancel_claim(
    claim_id: uuid.UUID,
    caller: Submitter,
    client: ClientDep,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
    body: CancelRequest | None = None,
) -> ClaimOut:
    """Cancel a claim before its payment starts; an in-flight assessment is cancelled too."""
    await _current_status(engine, client, claim_id, caller)
    request = CancelInput(reason=body.reason if body else None, by=_actor(caller))
    if await _update(client, engine, settings, claim_id, CANCEL_UPDATE, request) is None:
        _pending(response, claim_id)
    return await _claim_after(engine, client, claim_id)


@router.post(
    "/{claim_id}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    responses={
        202: {
            "model": DocumentOut,
            "description": "stored; the claim has not taken it in yet (poll the claim)",
        },
        409: {"model": Problem, "description": "the claim is settled and takes no more documents"},
        413: {"model": Problem, "description": "the document is larger than 1 MiB"},
    },
)
async def add_document(
    claim_id: uuid.UUID,
    body: DocumentIn,
    caller: Submitter,
    client: ClientDep,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> DocumentOut:
    """Store a document with the claim; a claim awaiting information is assessed again."""
    size = len(body.text.encode())
    if size > MAX_DOCUMENT_BYTES:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"document text is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}",
        )
    current = await _current_status(engine, client, claim_id, caller)
    async with engine.connect() as conn:
        recorded = await claim_store.get(conn=conn, claim_id=claim_id) is not None
    if not recorded:
        # Documents hang off the claim row, which the workflow writes a moment after the start.
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"claim {claim_id} is not recorded yet; retry in a moment",
        )
    if ClaimStatus(current).is_terminal:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"claim {claim_id} is {current}; no more documents"
        )
    async with engine.begin() as conn:
        document_id = await documents.add(
            conn=conn,
            claim_id=claim_id,
            name=body.name,
            content_type=body.content_type,
            text=body.text,
            added_by=caller.name,
        )
    added = DocumentAdded(document_id=document_id, name=body.name, by=_actor(caller))
    try:
        if await _update(client, engine, settings, claim_id, ADD_DOCUMENT_UPDATE, added) is None:
            # Kept: the update is still with Temporal and the claim will take the document.
            _pending(response, claim_id)
    except HTTPException:
        # The claim refused it (it settled meanwhile): leave nothing behind.
        async with engine.begin() as conn:
            await documents.remove(conn=conn, document_id=document_id)
        raise
    async with engine.connect() as conn:
        row = await documents.get(conn=conn, document_id=document_id)
    if row is None:  # pragma: no cover - committed above and kept once the claim accepted it
        raise errors.not_found(claim_id)
    return DocumentOut.model_validate(dict(row))


@router.post(
    "/{claim_id}/retry",
    response_model=ClaimOut,
    responses={
        202: _PENDING,
        409: {
            "model": Problem,
            "description": "no step of the claim is parked in needs_attention",
        },
    },
)
async def retry_claim(
    claim_id: uuid.UUID,
    caller: Admin,
    client: ClientDep,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> ClaimOut:
    """Run a parked claim's failed step again, once its data or code has been fixed."""
    await _current_status(engine, client, claim_id, caller)
    retry = RetryInput(by=_actor(caller))
    if await _update(client, engine, settings, claim_id, RETRY_UPDATE, retry) is None:
        _pending(response, claim_id)
    return await _claim_after(engine, client, claim_id)
