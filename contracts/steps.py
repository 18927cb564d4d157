"""The claim's Postgres steps: admitting it, and writing its transitions and notifications.

Run as local activities on the claims worker (activities/records.py); data definitions only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypedDict

from claims.assessment import ShadowSpec
from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus, EventType, NotificationKind
from claims.models import ClaimSubmission, Policy
from claims.rules import PolicyCheck
from contracts.base import Contract


class SubmissionRecord(Contract):
    claim_id: uuid.UUID
    workflow_id: str
    submission: ClaimSubmission
    submitted_at: dt.datetime
    # The principal (API key name) that submitted the claim; None from older workflows.
    submitted_by: str | None = None


class PolicyCheckResult(Contract):
    check: PolicyCheck
    policy: Policy | None
    # The shadow candidates of the claims worker that admitted the claim: the worker's own
    # configuration, recorded in the claim's history, decides whether shadows run.
    shadows: list[ShadowSpec] = []


class TransitionInput(Contract):
    """One audit event, optionally a status change and a decision, written in one transaction."""

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


class RowChange(TypedDict, total=False):
    """A TransitionInput's changes to the claim row, as keywords (absent or None: unchanged)."""

    status: ClaimStatus | None
    decision: DecisionRecord | None
    payable_amount: Decimal | None
    approved_amount: Decimal | None
    # The approval is withdrawn (a refused payment was compensated).
    clear_approved_amount: bool
    escalated: bool | None


class NotificationInput(Contract):
    claim_id: uuid.UUID
    step: int
    kind: NotificationKind
    payload: dict[str, Any]


class StepsInput(Contract):
    """Consecutive steps of one claim, written in one transaction (each idempotent by step)."""

    claim_id: uuid.UUID
    transitions: list[TransitionInput] = []
    notifications: list[NotificationInput] = []
