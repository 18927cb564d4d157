"""What people do to a claim in flight: review it, cancel it, add documents to it.

Each is a Temporal update with a validator: a request the claim cannot take is refused before
it enters the workflow's history, and the refusal maps to 409 (wrong state) or 422 (bad input).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from app import errors, live, metrics
from app.auth import Adjuster, Submitter
from app.deps import ClientDep, EngineDep
from app.schemas import (
    MAX_DOCUMENT_BYTES,
    CancelRequest,
    ClaimOut,
    DocumentIn,
    DocumentOut,
    ReviewRequest,
)
from app.views import claim_view
from claims.lifecycle import ClaimStatus
from infra.settings import ApiKey
from infra.store import claims as claim_store
from infra.store import documents
from workflows.contracts import (
    ADD_DOCUMENT_UPDATE,
    CANCEL_UPDATE,
    REVIEW_UPDATE,
    Actor,
    CancelInput,
    ClaimState,
    DocumentAdded,
    ReviewInput,
    workflow_id_for,
)

router = APIRouter(prefix="/v1/claims", tags=["claims"])


async def _current_status(engine: AsyncEngine, client: Client, claim_id: uuid.UUID) -> str:
    """The claim's status (404 when there is no such claim, in Postgres or in Temporal)."""
    async with engine.connect() as conn:
        row = await claim_store.get(conn=conn, claim_id=claim_id)
    if row is not None:
        return str(row["status"])
    if await live.started_input(client, claim_id) is None:
        raise errors.not_found(claim_id)
    return ClaimStatus.SUBMITTED.value


async def _update(
    client: Client, engine: AsyncEngine, claim_id: uuid.UUID, name: str, argument: Any
) -> ClaimState:
    """Send an update; map a refusal to the HTTP error that explains it."""
    handle = client.get_workflow_handle(workflow_id_for(claim_id))
    try:
        state: ClaimState = await handle.execute_update(name, argument, result_type=ClaimState)
    except WorkflowUpdateFailedError as err:
        raise errors.from_update_failure(err) from err
    except RPCError as err:
        current = await _current_status(engine, client, claim_id)
        raise errors.from_rpc_error(err, claim_id, current) from err
    return state


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
    responses={409: {"description": "the claim is not awaiting review"}},
)
async def review_claim(
    claim_id: uuid.UUID,
    body: ReviewRequest,
    caller: Adjuster,
    client: ClientDep,
    engine: EngineDep,
) -> ClaimOut:
    """An adjuster's decision: approve (optionally a partial amount), reject or request_info."""
    await _current_status(engine, client, claim_id)
    review = ReviewInput(
        decision=body.decision,
        approved_amount=body.approved_amount,
        note=body.note,
        adjuster_name=caller.name,
        adjuster_role=caller.role.value,
    )
    await _update(client, engine, claim_id, REVIEW_UPDATE, review)
    metrics.REVIEWS.labels(decision=body.decision.value).inc()
    return await _claim_after(engine, client, claim_id)


@router.post(
    "/{claim_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ClaimOut,
    responses={409: {"description": "payment has started or the claim is already settled"}},
)
async def cancel_claim(
    claim_id: uuid.UUID,
    caller: Submitter,
    client: ClientDep,
    engine: EngineDep,
    body: CancelRequest | None = None,
) -> ClaimOut:
    """Cancel a claim before its payment starts; an in-flight assessment is cancelled too."""
    await _current_status(engine, client, claim_id)
    request = CancelInput(reason=body.reason if body else None, by=_actor(caller))
    await _update(client, engine, claim_id, CANCEL_UPDATE, request)
    return await _claim_after(engine, client, claim_id)


@router.post(
    "/{claim_id}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    responses={
        409: {"description": "the claim is settled and takes no more documents"},
        413: {"description": "the document is larger than 1 MiB"},
    },
)
async def add_document(
    claim_id: uuid.UUID,
    body: DocumentIn,
    caller: Submitter,
    client: ClientDep,
    engine: EngineDep,
) -> DocumentOut:
    """Store a document with the claim; a claim awaiting information is assessed again."""
    size = len(body.text.encode())
    if size > MAX_DOCUMENT_BYTES:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"document text is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}",
        )
    current = await _current_status(engine, client, claim_id)
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
        await _update(client, engine, claim_id, ADD_DOCUMENT_UPDATE, added)
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
