"""Inputs, outputs and handler payloads of ClaimWorkflow."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from claims.models import ClaimStatus, ClaimSubmission

WORKFLOW_NAME = "ClaimWorkflow"
REVIEW_UPDATE = "review"
STATE_QUERY = "state"


def workflow_id_for(claim_id: uuid.UUID) -> str:
    return f"claim-{claim_id}"


class ClaimConfig(BaseModel):
    """Business configuration in force when the claim was submitted.

    Carried in the workflow input, so each claim is decided by the limits that applied when it
    arrived, and history shows them.
    """

    model_config = ConfigDict(frozen=True)

    auto_approve_limit: Decimal
    review_sla_s: int
    llm_task_queue: str
    llm_timeout_s: float


class ClaimWorkflowInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    claim_id: uuid.UUID
    submission: ClaimSubmission
    submitted_at: dt.datetime
    config: ClaimConfig


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFO = "request_info"


class ReviewInput(BaseModel):
    """An adjuster's review, sent as the `review` update."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision: ReviewDecision
    approved_amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    note: str | None = Field(default=None, max_length=4000)
    adjuster_name: str
    adjuster_role: str


class ClaimState(BaseModel):
    """The live state of a claim as the workflow sees it (query and update result)."""

    model_config = ConfigDict(frozen=True)

    claim_id: uuid.UUID
    status: ClaimStatus
    payable_amount: Decimal | None = None
    approved_amount: Decimal | None = None
    escalated: bool = False
    step: int = 0
    waiting_on: str | None = None
