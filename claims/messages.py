"""The claimant's e-mails: subject and plain-text body of each outbox notification.

Written from the notification's kind and payload (ids, amounts, the rules' reasons, and the
message an adjuster wrote for the claimant), never from anything else of the claim: an
adjuster's internal note is never in a payload's `message`, and an old payload's `note` is
never read. The address comes from the outbox row itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from claims.lifecycle import NotificationKind

# Notices for operators rather than claimants: the relay leaves them to the operators' tools
# (GET /v1/claims?status=needs_attention, the Web UI) instead of mailing the claimant.
OPERATOR_KINDS = frozenset({NotificationKind.CLAIM_NEEDS_ATTENTION})
CLAIMANT_KINDS = frozenset(NotificationKind) - OPERATOR_KINDS


def _due(value: Any) -> str | None:
    """A due time as a claimant reads it: the date and time in UTC."""
    if not value:
        return None
    try:
        return (
            dt.datetime.fromisoformat(str(value)).astimezone(dt.UTC).strftime("%d %B %Y, %H:%M UTC")
        )
    except ValueError:
        return None


def _line(label: str, value: Any) -> str:
    return f"{label}: {value}\n" if value not in (None, "", []) else ""


def render(
    kind: NotificationKind,
    payload: dict[str, Any],
    claim_id: uuid.UUID,
    claim_number: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of the message for one notification. The claim number is what a
    claimant quotes on the phone; the id stays for the systems that know only it."""
    subject, body = _render(kind, payload, claim_number or str(claim_id))
    if claim_number:
        subject = f"{subject} ({claim_number})"
        body += f"Claim id: {claim_id}\n"
    return subject, body


def _render(kind: NotificationKind, payload: dict[str, Any], quoted: str) -> tuple[str, str]:
    reference = f"Claim reference: {quoted}\n"
    if kind is NotificationKind.CLAIM_PAID:
        amount = f"{payload.get('amount', '')} {payload.get('currency', '')}".strip()
        return (
            "Your claim has been paid",
            f"We have paid your claim.\n\n{_line('Amount', amount)}"
            f"{_line('Message from your adjuster', payload.get('message'))}{reference}",
        )
    if kind is NotificationKind.CLAIM_REJECTED:
        reasons = "; ".join(str(r) for r in payload.get("reasons", []))
        return (
            "Your claim has been declined",
            "We are sorry: we cannot pay this claim.\n\n"
            f"{_line('Reasons', reasons)}"
            f"{_line('Message from your adjuster', payload.get('message'))}{reference}",
        )
    if kind is NotificationKind.CLAIM_CANCELLED:
        # The reason is whatever the canceller typed, and a submitter may cancel: mailed from
        # our sender to an address the submitter chose, it would make us a relay for any text.
        return (
            "Your claim has been cancelled",
            "Your claim was cancelled. If you did not expect this, reply quoting the "
            f"reference below.\n\n{reference}",
        )
    if kind is NotificationKind.INFORMATION_REQUESTED:
        return (
            "We need more information about your claim",
            "An adjuster needs more information before deciding your claim.\n\n"
            f"{_line('Message from your adjuster', payload.get('message'))}"
            f"{_line('Please answer by', _due(payload.get('due_at')))}{reference}",
        )
    if kind is NotificationKind.REVIEW_ESCALATED:
        return (
            "Your claim is with a senior adjuster",
            "Your claim's review is taking longer than usual and has been escalated.\n\n"
            f"{reference}",
        )
    return ("Update on your claim", f"There is an update on your claim.\n\n{reference}")
