"""A claim's history in plain words: each event of its workflow and each of staff's own (taken,
released, reassigned, overridden), with who, what, amounts, notes and reasons, oldest first.

Staff read it (the console is staff only), so internal notes are shown, labelled as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.schemas import ClaimOut, EventOut
from app.services.wording import money, utc
from infra.store.assignments import StaffEvent


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    who: str
    what: str


def _extras(d: dict[str, Any]) -> str:
    parts = []
    if d.get("message_to_claimant"):
        parts.append(f"Message to the claimant: “{d['message_to_claimant']}”")
    if d.get("note"):
        parts.append(f"Internal note: “{d['note']}”")
    if d.get("reasons"):
        parts.append("Reasons: " + "; ".join(str(r).replace("_", " ") for r in d["reasons"]))
    return (". " + ". ".join(parts)) if parts else ""


_DECIDED = {
    "approve": "approved",
    "reject": "rejected the claim",
    "request_info": "asked the claimant for information",
}

Phrase = Callable[[dict[str, Any], str], str]

_PHRASES: dict[str, Phrase] = {
    "submitted": lambda d, c: (
        f"Submitted for {money(d.get('amount'), c)}"
        + (f", with {d['files']} file(s)" if d.get("files") else "")
    ),
    "policy_checked": lambda d, c: (
        (
            f"Policy check failed ({d.get('rule')})"
            if d.get("passed") is False
            else f"Policy checked: payable {money(d.get('payable_amount'), c)}"
        )
        + _extras({"reasons": d.get("reasons")})
    ),
    "assessed": lambda d, c: (
        f"Assessed: {str(d.get('route', '')).replace('_', ' ')}"
        + (f", the model recommends {d['recommendation']}" if d.get("recommendation") else "")
        + _extras({"reasons": d.get("reasons")})
    ),
    "review_requested": lambda d, c: (
        "Sent to a person for review"
        + (f", due {utc(d['due_at'])}" if d.get("due_at") else "")
        + _extras({"reasons": d.get("reasons")})
    ),
    "escalated": lambda d, c: "Escalated: the review deadline passed",
    "reviewed": lambda d, c: (
        _DECIDED.get(str(d.get("decision")), str(d.get("decision"))).capitalize()
        + (f" {money(d['approved_amount'], c)}" if d.get("approved_amount") else "")
        + _extras(d)
    ),
    "info_requested": lambda d, c: (
        "Information requested from the claimant"
        + (f", due {utc(d['due_at'])}" if d.get("due_at") else "")
        + _extras(d)
    ),
    "document_added": lambda d, c: f"Document added: {d.get('name') or 'a document'}",
    "information_received": lambda d, c: (
        "The claimant's information arrived; assessing again"
        if d.get("answered", True)
        else "No answer from the claimant in time; assessing without it"
    ),
    "approved": lambda d, c: f"Approved {money(d.get('approved_amount'), c)}",
    "payment_started": lambda d, c: (
        f"Payment of {money(d.get('amount'), c)} started"
        + (f" (attempt {d['attempt']})" if d.get("attempt") else "")
    ),
    "payment_failed": lambda d, c: (
        f"The bank refused the payment: {d.get('reason')}. The "
        "approval is withdrawn; the claim is back for review"
    ),
    "paid": lambda d, c: (
        f"Paid {money(d.get('amount'), c)}"
        + (f" (bank reference {d['rail_reference']})" if d.get("rail_reference") else "")
    ),
    "rejected": lambda d, c: "Rejected" + _extras(d),
    "cancelled": lambda d, c: (
        "Cancelled" + (f". Reason (internal): “{d['reason']}”" if d.get("reason") else "")
    ),
    "needs_attention": lambda d, c: (
        f"Parked: the step “{d.get('step')}” failed ({d.get('error_type')}: {d.get('error')})"
    ),
    "retried": lambda d, c: f"Retried the step “{d.get('step')}”",
    "payee_corrected": lambda d, c: (
        f"Payee account corrected to {d.get('payee')}"
        + (f". Internal note: “{d['note']}”" if d.get("note") else "")
    ),
}

_STAFF: dict[str, Callable[[dict[str, Any]], str]] = {
    "taken": lambda d: "Took the claim" + (f" over from {d['from']}" if d.get("from") else ""),
    "released": lambda d: f"Released the claim (held by {d.get('from')})",
    "reassigned": lambda d: (
        f"Reassigned the claim to {d.get('to')}" + (f" (from {d['from']})" if d.get("from") else "")
    ),
    "override": lambda d: f"Decided although {d.get('held_by')} held the claim",
    "note": lambda d: f"Internal note: “{d.get('text')}”",
}


def _who(event: EventOut, claim: ClaimOut) -> str:
    d = event.detail
    who = d.get("adjuster") or d.get("by") or d.get("decided_by")
    if who:
        return str(who)
    if event.type == "submitted":
        return claim.submitted_by or "client"
    if event.type in ("assessed",):
        return str(d.get("model") or "model")
    return "system"


def _event_line(event: EventOut, claim: ClaimOut) -> HistoryLine:
    phrase = _PHRASES.get(event.type)
    what = phrase(event.detail, claim.currency) if phrase else event.type.replace("_", " ")
    return HistoryLine(event.at, _who(event, claim), what[:1].upper() + what[1:])


def _staff_line(event: StaffEvent) -> HistoryLine:
    phrase = _STAFF.get(event.kind)
    return HistoryLine(event.at, event.actor, phrase(event.detail) if phrase else event.kind)


def history(claim: ClaimOut, staff: Sequence[StaffEvent]) -> list[HistoryLine]:
    lines = [_event_line(e, claim) for e in claim.events] + [_staff_line(s) for s in staff]
    return sorted(lines, key=lambda line: line.at)
