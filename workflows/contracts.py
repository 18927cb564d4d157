"""Inputs, outputs and handler payloads of ClaimWorkflow."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from claims.models import ClaimStatus, ClaimSubmission, Policy
from claims.rules import RiskRule

WORKFLOW_NAME = "ClaimWorkflow"
REVIEW_UPDATE = "review"
CANCEL_UPDATE = "cancel"
ADD_DOCUMENT_UPDATE = "add_document"
STATE_QUERY = "state"


def workflow_id_for(claim_id: uuid.UUID) -> str:
    return f"claim-{claim_id}"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClaimConfig(Frozen):
    """Business configuration in force when the claim was submitted.

    Carried in the workflow input, so each claim is decided by the limits that applied when it
    arrived, and history shows them.
    """

    auto_approve_limit: Decimal
    review_sla_s: int
    llm_task_queue: str
    llm_timeout_s: float
    # Attempts of the assessment before a human decides instead (never a failed claim).
    llm_max_attempts: int = 8
    # The primary model, named in the Web UI's summary of the assessment activity.
    llm_model: str = ""
    # Information rounds handled by one run before it continues as new, keeping history bounded.
    info_rounds_per_run: int = 3


class ClaimProgress(Frozen):
    """What a run hands to its successor when it continues as new."""

    step: int
    payable_amount: Decimal
    policy: Policy | None
    risk_rules: list[RiskRule]
    document_ids: list[uuid.UUID]
    info_rounds: int
    payment_attempts: int
    escalated: bool


class ClaimWorkflowInput(Frozen):
    claim_id: uuid.UUID
    submission: ClaimSubmission
    submitted_at: dt.datetime
    config: ClaimConfig
    progress: ClaimProgress | None = None


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFO = "request_info"


class Actor(Frozen):
    """Who asked: the API key's name and role (never the token)."""

    name: str
    role: str


class ReviewInput(Frozen):
    """An adjuster's review, sent as the `review` update."""

    decision: ReviewDecision
    approved_amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    note: str | None = Field(default=None, max_length=4000)
    adjuster_name: str
    adjuster_role: str


class CancelInput(Frozen):
    reason: str | None = Field(default=None, max_length=4000)
    by: Actor


class DocumentAdded(Frozen):
    """A document already stored in Postgres; only its id travels through Temporal."""

    document_id: uuid.UUID
    name: str
    by: Actor


class ClaimState(Frozen):
    """The live state of a claim as the workflow sees it (query and update result)."""

    claim_id: uuid.UUID
    status: ClaimStatus
    payable_amount: Decimal | None = None
    approved_amount: Decimal | None = None
    escalated: bool = False
    step: int = 0
    waiting_on: str | None = None
    document_ids: list[uuid.UUID] = []
