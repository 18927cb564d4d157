"""What a claim's steps write: its submission, each transition, each message to the claimant.

Domain types, so the store takes one value where it used to take a dozen copied fields, and the
workflow's payloads (contracts/steps.py) are these same types crossing Temporal.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus, EventType, NotificationKind
from claims.models import ClaimSubmission


class SubmittedFile(BaseModel):
    """A file sent with the submission, already stored (encrypted) under the claim: only this
    reference travels, and the admit step writes its row beside the claim's."""

    model_config = ConfigDict(frozen=True)

    document_id: uuid.UUID
    name: str
    kind: str
    size_bytes: int
    sha256: str


class Submitted(BaseModel):
    """The claim as submitted: its row's first version and its `submitted` event (step 1)."""

    model_config = ConfigDict(frozen=True)

    claim_id: uuid.UUID
    workflow_id: str
    submission: ClaimSubmission
    submitted_at: dt.datetime
    # The principal (API key name) that submitted the claim; None from older workflows.
    submitted_by: str | None = None
    # Files sent with the submission (POST /v1/claims/with-documents); none before files.
    files: list[SubmittedFile] = []


class Transition(BaseModel):
    """One audit event, optionally a status change and a decision, written in one transaction."""

    model_config = ConfigDict(frozen=True)

    claim_id: uuid.UUID
    step: int
    event_type: EventType
    at: dt.datetime
    status: ClaimStatus | None = None
    detail: dict[str, Any] = {}
    payable_amount: Decimal | None = None
    approved_amount: Decimal | None = None
    escalated: bool | None = None
    # The approval is withdrawn (a refused payment was compensated): the row's amount is
    # cleared, where `approved_amount=None` means "unchanged".
    clear_approved_amount: bool = False
    decision: DecisionRecord | None = None

    def row_changes(self) -> dict[str, Any]:
        """What the step changes on the claim row (absent: unchanged)."""
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("status", str(self.status) if self.status is not None else None),
                ("payable_amount", self.payable_amount),
                ("approved_amount", self.approved_amount),
                ("escalated", self.escalated),
            )
            if value is not None
        }
        if self.clear_approved_amount:
            changes["approved_amount"] = None
        return changes


class Notice(BaseModel):
    """One message to the claimant, queued by its step."""

    model_config = ConfigDict(frozen=True)

    claim_id: uuid.UUID
    step: int
    kind: NotificationKind
    payload: dict[str, Any]
