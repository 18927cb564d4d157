"""The claim's Postgres steps: admitting it, and writing its transitions and notifications.

Run as local activities on the claims worker (activities/records.py); data definitions only.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TypedDict

from claims.agent import AgentLimits
from claims.assessment import ShadowSpec
from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus
from claims.models import Policy
from claims.rules import PolicyCheck
from claims.transitions import Notice, Submitted, Transition
from contracts.base import Contract


class SubmissionRecord(Submitted, Contract):
    """The admit step's input: the domain's submission record, as it crosses Temporal."""


class PolicyCheckResult(Contract):
    check: PolicyCheck
    policy: Policy | None
    # The shadow candidates of the claims worker that admitted the claim: the worker's own
    # configuration, recorded in the claim's history, decides whether shadows run.
    shadows: list[ShadowSpec] = []
    # The admitting worker's investigation bounds (CLAIMS_AGENT_*); None: it asks the model
    # once. Recorded in the history like the shadows, so replay takes the same path; claims
    # admitted before investigations existed have none, and keep the one-shot path for life.
    agent: AgentLimits | None = None


class TransitionInput(Transition, Contract):
    """One transition (claims/transitions.py) as it crosses Temporal: the store takes it whole."""


class RowChange(TypedDict, total=False):
    """A TransitionInput's changes to the claim row, as keywords (absent or None: unchanged)."""

    status: ClaimStatus | None
    decision: DecisionRecord | None
    payable_amount: Decimal | None
    approved_amount: Decimal | None
    # The approval is withdrawn (a refused payment was compensated).
    clear_approved_amount: bool
    escalated: bool | None


class NotificationInput(Notice, Contract):
    """One message to the claimant (claims/transitions.py) as it crosses Temporal."""


class StepsInput(Contract):
    """Consecutive steps of one claim, written in one transaction (each idempotent by step)."""

    claim_id: uuid.UUID
    transitions: list[TransitionInput] = []
    notifications: list[NotificationInput] = []
