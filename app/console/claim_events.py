"""What a claim's page says about where the claim stands, read from its latest events: a
payment the bank refused, a parked step, a wait for the claimant."""

from __future__ import annotations

from typing import Any

from app.schemas import ClaimOut, EventOut


def _latest(claim: ClaimOut, event_type: str) -> EventOut | None:
    return next((e for e in reversed(claim.events) if e.type == event_type), None)


def waits_and_refusals(claim: ClaimOut) -> dict[str, Any]:
    corrected = _latest(claim, "payee_corrected")
    refused = _latest(claim, "payment_failed")
    return {
        # Shown while the claim is back for review after the refusal.
        "refusal": refused if claim.status == "awaiting_review" else None,
        # The account a new approval pays, when it was corrected after the last refusal.
        "payee_now": corrected.detail.get("payee")
        if corrected and (refused is None or corrected.at >= refused.at)
        else None,
        "parked": _latest(claim, "needs_attention") if claim.status == "needs_attention" else None,
        "info_wait": _latest(claim, "info_requested") if claim.status == "awaiting_info" else None,
    }
