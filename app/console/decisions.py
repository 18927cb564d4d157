"""The console's actions as claim commands: each form becomes the same validated command REST
sends (app/services/commands.py), and each refusal a sentence an adjuster can act on."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from fastapi import status
from pydantic import ValidationError

from app.console.session import Staff
from app.http import metrics
from app.schemas import CancelRequest, PayeeRequest, ReviewRequest
from app.services.commands import ClaimCommands, Outcome
from app.services.errors import CatchingUpError, InvalidFieldError, MovedOnError, ServiceError
from contracts import ReviewDecision

_Form = TypeVar("_Form", ReviewRequest, CancelRequest, PayeeRequest)

ACTIONS = (
    *("approve", "reject", "request-info", "cancel", "retry"),
    *("take", "release", "reassign", "payee", "note"),
)
ADMIN_ACTIONS = frozenset({"cancel", "retry"})
DONE = {
    "approve": "Approved. The payment follows; this page updates as it goes.",
    "reject": "Rejected. The claimant is told.",
    "request-info": "Information requested from the claimant.",
    "cancel": "Cancelled.",
    "retry": "The parked step is running again.",
    "take": "You hold this claim now: it is in your work.",
    "parked": "Your decision was taken, but a step after it failed and the claim is parked: "
    "see “Parked” below. An admin retries it once its cause is fixed.",
    "note": "Note added to the claim's history (staff only).",
    "payee": "Payee corrected. Approve the claim again to pay the new account.",
    "release": "Released: nobody holds this claim now.",
    "reassign": "Reassigned.",
    "attached": "Attached. The claim has the file; a claim waiting for information is assessed "
    "again.",
    "pending": "Recorded, still processing: the claim took your decision and has not "
    "finished with it yet. This page updates when it moves on.",
    "sent": "Sent, but the claim has not taken it yet (its worker may be restarting). This page "
    "updates if it does; if nothing changes within a minute, act again.",
}


_FIELD_NAMES = {
    "approved_amount": "The amount",
    "note": "The internal note",
    "message_to_claimant": "The message to the claimant",
    "reason": "The reason",
    "payee": "The payee account",
    "text": "The note",
}

_DECISIONS = {
    "approve": ReviewDecision.APPROVE,
    "reject": ReviewDecision.REJECT,
    "request-info": ReviewDecision.REQUEST_INFO,
}


async def run(
    commands: ClaimCommands, staff: Staff, claim_id: uuid.UUID, action: str, form: dict[str, str]
) -> Outcome:
    if action == "retry":
        return await commands.retry(staff.key, claim_id)
    if action == "payee":
        payee = _validated(
            PayeeRequest, {"payee": form.get("payee", ""), "note": form.get("note") or None}
        )
        return await commands.correct_payee(staff.key, claim_id, payee=payee.payee, note=payee.note)
    if action == "cancel":
        cancel = _validated(CancelRequest, {"reason": form.get("reason") or None})
        return await commands.cancel(staff.key, claim_id, reason=cancel.reason)
    decision = _DECISIONS[action]
    if decision is ReviewDecision.REJECT and not form.get("note", "").strip():
        raise InvalidFieldError("note", "a rejection needs a reason")
    review = _validated(
        ReviewRequest,
        {
            "decision": decision,
            "approved_amount": (form.get("approved_amount") or "").strip() or None
            if decision is ReviewDecision.APPROVE
            else None,
            "note": form.get("note") or None,
            "message_to_claimant": form.get("message_to_claimant") or None,
        },
    )
    outcome = await commands.review(
        staff.key,
        claim_id,
        decision=review.decision,
        approved_amount=review.approved_amount,
        note=review.note,
        message_to_claimant=review.message_to_claimant,
    )
    if not outcome.pending:
        metrics.REVIEWS.labels(decision=review.decision.value).inc()
    return outcome


def _validated(model: type[_Form], values: dict[str, Any]) -> _Form:
    try:
        return model.model_validate(values)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "note"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidFieldError(field, message) from None


def refusal_message(refused: ServiceError) -> str:
    if isinstance(refused, MovedOnError):
        return f"{refused.detail} The claim has moved on: this page shows where it is now."
    if isinstance(refused, CatchingUpError):
        return "The claim is catching up after a restart: try again in a moment."
    if isinstance(refused, InvalidFieldError):
        # The console's own checks speak in sentences; a schema's message gets one.
        detail = refused.detail
        return (
            detail
            if detail[:1].isupper()
            else f"{_FIELD_NAMES.get(refused.field or '', refused.field)}: {detail}."
        )
    if refused.status_code == status.HTTP_409_CONFLICT:
        return (
            "This claim has moved on (another adjuster may have acted first): "
            f"{refused.detail}. The page shows where it is now."
        )
    if refused.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        return "Temporal is unavailable: nothing was done. Try again shortly."
    return refused.detail
