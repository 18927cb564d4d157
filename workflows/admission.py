"""Which updates a claim accepts now: the validators' rules, as plain functions of its state.

A validator that raises refuses the update before anything enters the workflow's history, so
a refused call costs the claim nothing and the caller hears why (a 409 or 422 at the API).
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from claims.lifecycle import ClaimStatus, ErrorType
from contracts import CancelInput, ClaimState, ReviewDecision, ReviewInput


def check_review(
    claim: ClaimState,
    review: ReviewInput,
    pending: ReviewInput | CancelInput | None,
    submitted_by: str | None,
) -> None:
    if submitted_by is not None and review.adjuster_name == submitted_by:
        # Checked here as well as at the API: no path to the workflow lets one principal
        # both submit a claim and decide it (an admin included).
        raise ApplicationError(
            f"{review.adjuster_name} submitted this claim; another adjuster or admin must "
            "decide it",
            type=ErrorType.OWN_CLAIM,
        )
    if claim.status is not ClaimStatus.AWAITING_REVIEW or pending is not None:
        # The details say where the claim is, and whose request came first: the loser of a
        # race reads who decided, not a guess (app/services/updates.py).
        first = _first_come(pending)
        message = f"claim is {claim.status}, not awaiting review"
        if first:
            message = f"{first['by']} has just decided this claim ({first['decision']})"
        raise ApplicationError(
            message,
            {"status": str(claim.status)} | first,
            type=ErrorType.CLAIM_NOT_AWAITING_REVIEW,
        )
    amount = review.approved_amount
    if amount is None:
        return
    if review.decision is not ReviewDecision.APPROVE:
        raise ApplicationError(
            "approved_amount only goes with decision approve", type=ErrorType.INVALID_REVIEW
        )
    if amount <= 0 or amount > claim.payable_amount:
        raise ApplicationError(
            f"approved_amount must be above 0 and at most the payable {claim.payable_amount}",
            type=ErrorType.INVALID_REVIEW,
        )


def _first_come(pending: ReviewInput | CancelInput | None) -> dict[str, str | None]:
    if isinstance(pending, ReviewInput):
        amount = pending.approved_amount
        return {
            "by": pending.adjuster_name,
            "decision": pending.decision.value,
            "approved_amount": str(amount) if amount is not None else None,
        }
    if isinstance(pending, CancelInput):
        return {"by": pending.by.name, "decision": "cancel"}
    return {}


def check_cancel(claim: ClaimState, *, busy: bool) -> None:
    if not claim.status.is_cancellable or claim.closing or busy:
        # Name the outcome the claim is committed to (e.g. paying) before its status shows it.
        committed = claim.status.is_cancellable and claim.closing is not None
        status = claim.closing if committed else claim.status
        raise ApplicationError(
            f"claim is {status}; it can no longer be cancelled",
            type=ErrorType.CLAIM_NOT_CANCELLABLE,
        )


def check_document(claim: ClaimState, *, cancelling: bool) -> None:
    if claim.status.is_terminal or claim.closing or cancelling:
        raise ApplicationError(
            f"claim is {claim.status}; it takes no more documents", type=ErrorType.CLAIM_CLOSED
        )


def check_retry(claim: ClaimState, *, parked: int) -> None:
    if parked == 0:
        raise ApplicationError(
            f"claim is {claim.status}; no step is waiting to be retried",
            type=ErrorType.CLAIM_NOT_PARKED,
        )


def check_payee(claim: ClaimState, *, cancelling: bool) -> None:
    """The account to pay may change until the payment starts, never during or after it."""
    if claim.status.is_terminal or claim.status is ClaimStatus.PAYING or claim.closing:
        raise ApplicationError(
            f"claim is {claim.closing or claim.status}; its payee can no longer change",
            type=ErrorType.CLAIM_CLOSED,
        )
    if cancelling:
        raise ApplicationError("claim is being cancelled", type=ErrorType.CLAIM_CLOSED)
