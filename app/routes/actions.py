"""What people do to a claim in flight: review it, cancel it, retry it (documents: documents.py).

Each route parses, authorizes by role, makes one call to the claim commands
(app/services/commands.py) and shapes the reply. A command the claim has not answered within
CLAIMS_UPDATE_WAIT_S is 202 with the claim's Location: it stays with Temporal and may still be
applied.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from app.http import metrics
from app.http.auth import Adjuster, Admin, AnyCaller, Submitter
from app.http.deps import CommandsDep as Commands
from app.http.openapi import (
    AUTHENTICATED,
    CLAIM_SCOPED,
    ROLE_CHECKED,
    TEMPORAL_NEEDED,
    WITH_BODY,
)
from app.http.problems import Problem
from app.schemas import CancelRequest, ClaimOut, PayeeRequest, ReviewRequest

router = APIRouter(
    prefix="/v1/claims",
    tags=["claims"],
    responses=AUTHENTICATED | ROLE_CHECKED | WITH_BODY | CLAIM_SCOPED | TEMPORAL_NEEDED,
)

_RETRY_AFTER = {
    "Retry-After": {
        "description": "present when the claim will take the request in a moment (it is "
        "catching up after a restart, or not recorded yet): seconds to wait",
        "schema": {"type": "integer"},
    }
}
_PENDING: dict[str, Any] = {
    "description": "the claim did not answer in time; the request may still be applied "
    "(poll the claim at Location)",
    "model": ClaimOut,
}


def _conflict(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description, "headers": _RETRY_AFTER}


def _pending(response: Response, claim_id: uuid.UUID) -> None:
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/v1/claims/{claim_id}"


@router.post(
    "/{claim_id}/review",
    response_model=ClaimOut,
    responses={202: _PENDING, 409: _conflict("the claim is not awaiting review")},
)
async def review_claim(
    claim_id: uuid.UUID,
    body: ReviewRequest,
    caller: Adjuster,
    commands: Commands,
    response: Response,
) -> ClaimOut:
    """An adjuster's decision: approve (optionally a partial amount), reject or request_info."""
    outcome = await commands.review(
        caller,
        claim_id,
        decision=body.decision,
        approved_amount=body.approved_amount,
        note=body.note,
        message_to_claimant=body.message_to_claimant,
    )
    if outcome.pending:
        _pending(response, claim_id)
    else:
        metrics.REVIEWS.labels(decision=body.decision.value).inc()
    return outcome.claim


@router.post(
    "/{claim_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ClaimOut,
    responses={409: _conflict("payment has started or the claim is already settled")},
)
async def cancel_claim(
    claim_id: uuid.UUID,
    caller: Submitter,
    commands: Commands,
    response: Response,
    body: CancelRequest | None = None,
) -> ClaimOut:
    """Cancel a claim before its payment starts; an in-flight assessment is cancelled too."""
    outcome = await commands.cancel(caller, claim_id, reason=body.reason if body else None)
    if outcome.pending:
        _pending(response, claim_id)
    return outcome.claim


@router.post(
    "/{claim_id}/retry",
    response_model=ClaimOut,
    responses={202: _PENDING, 409: _conflict("no step of the claim is parked in needs_attention")},
)
async def retry_claim(
    claim_id: uuid.UUID,
    caller: Admin,
    commands: Commands,
    response: Response,
) -> ClaimOut:
    """Run a parked claim's failed step again, once its data or code has been fixed."""
    outcome = await commands.retry(caller, claim_id)
    if outcome.pending:
        _pending(response, claim_id)
    return outcome.claim


@router.post(
    "/{claim_id}/payee",
    response_model=ClaimOut,
    responses={202: _PENDING, 409: _conflict("the payment has started or the claim is settled")},
)
async def correct_payee(
    claim_id: uuid.UUID,
    body: PayeeRequest,
    caller: AnyCaller,
    commands: Commands,
    response: Response,
) -> ClaimOut:
    """Pay another account: after the bank refused the claimant's, the claimant's system
    corrects it (or an adjuster, with a note), then the claim is approved again."""
    outcome = await commands.correct_payee(caller, claim_id, payee=body.payee, note=body.note)
    if outcome.pending:
        _pending(response, claim_id)
    return outcome.claim
