"""Nothing moves money or ends a claim on one click: approving and cancelling first show what
will happen (the amount in figures and in words), and only a second, explicit post does it.

The approval's form is checked here, in words an adjuster reads ("The amount must be more than
0 and at most 14,000.00 USD"): an empty amount is an error, never "pay everything", and a
partial payment needs a message telling the claimant why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.schemas import ClaimOut
from app.services.errors import InvalidFieldError
from app.services.wording import money
from claims.amounts import AmountError, in_words, parse_amount

CONFIRMED_ACTIONS = frozenset({"approve", "cancel"})
YES = "yes"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows, and the fields its Yes button posts again."""

    action: str
    title: str
    lines: list[str]
    button: str
    fields: dict[str, str] = field(default_factory=dict)


def approved_amount(form: dict[str, str], claim: ClaimOut) -> Decimal:
    """The amount typed, read as people write it, within what the policy pays."""
    payable = claim.payable_amount or Decimal(0)
    limit = money(payable, claim.currency)
    try:
        amount = parse_amount(form.get("approved_amount", ""), claim.currency)
    except AmountError as unreadable:
        raise InvalidFieldError("approved_amount", f"{unreadable} At most {limit}.") from None
    if amount <= 0 or amount > payable:
        raise InvalidFieldError(
            "approved_amount", f"The amount must be more than 0 and at most {limit}."
        )
    return amount


def confirmation(action: str, form: dict[str, str], claim: ClaimOut) -> Confirmation:
    """The question to ask before `action` (raises InvalidFieldError for a form that cannot
    be done at all)."""
    number = claim.claim_number or str(claim.claim_id)
    if action == "cancel":
        reason = form.get("reason", "")
        return Confirmation(
            action,
            f"Cancel claim {number}?",
            [
                "The claim ends now: it will not be paid, and the claimant is told it was "
                "cancelled.",
                f"Reason: {reason}" if reason.strip() else "No reason given.",
            ],
            "Yes, cancel the claim",
            {"reason": reason},
        )
    amount = approved_amount(form, claim)
    message = form.get("message_to_claimant", "").strip()
    payable = claim.payable_amount or amount
    partial = amount < payable
    if partial and not message:
        raise InvalidFieldError(
            "message_to_claimant",
            f"Paying less than the payable {money(payable, claim.currency)}: write the claimant "
            "a message saying why.",
        )
    figures = money(amount, claim.currency)
    lines = [f"Pay {figures} ({in_words(amount, claim.currency)}) to the claimant now."]
    if partial:
        lines.append(f"That is less than the payable {money(payable, claim.currency)}.")
    if message:
        lines.append(f"The claimant's e-mail will say: {message}")
    return Confirmation(
        action,
        f"Approve claim {number} and pay {figures}?",
        lines,
        f"Yes, pay {figures}",
        {
            "approved_amount": str(amount),
            "note": form.get("note", ""),
            "message_to_claimant": message,
        },
    )
