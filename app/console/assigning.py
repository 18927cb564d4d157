"""Taking, releasing and reassigning a claim from its page, internal notes, and the question
asked before deciding a claim someone else holds."""

from __future__ import annotations

import uuid

from app.console.session import Staff
from app.services.assignments import Assignments
from app.services.errors import ConflictError

# What staff do beside the claim's workflow: hold it, or write an internal note.
ASSIGN_ACTIONS = ("take", "release", "reassign", "note")
DECISIONS = ("approve", "reject", "request-info")


class HeldByOtherError(ConflictError):
    """Someone else holds the claim: deciding it needs the override box ticked."""

    field = "override"


async def assign(
    assignments: Assignments, staff: Staff, claim_id: uuid.UUID, action: str, form: dict[str, str]
) -> None:
    if action == "take":
        await assignments.take(staff.key, claim_id)
    elif action == "release":
        await assignments.release(staff.key, claim_id)
    elif action == "note":
        await assignments.add_note(staff.key, claim_id, form.get("text", ""))
    else:
        await assignments.reassign(staff.key, claim_id, form.get("assignee", ""))


async def overriding(
    assignments: Assignments, staff: Staff, claim_id: uuid.UUID, action: str, form: dict[str, str]
) -> str | None:
    """Who else holds the claim a decision is about (None: nobody else); refused unless the
    adjuster said they decide it anyway."""
    if action not in DECISIONS:
        return None
    held = await assignments.holder(claim_id)
    if held is None or held.assignee == staff.key.name:
        return None
    if form.get("override") != "yes":
        raise HeldByOtherError(
            f'{held.assignee} holds this claim. To decide it anyway, tick "Decide although '
            f'{held.assignee} holds it" and submit again; the override is recorded.'
        )
    return held.assignee
