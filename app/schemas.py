"""Response and request bodies of REST API v1 that are not domain models."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from claims.lifecycle import ClaimStatus
from claims.models import Claimant, Policy
from claims.text import FreeText, Line, PositiveMoney
from contracts import ReviewDecision


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyOut(Policy):
    """A policy as the API shows it: the holder's name only to adjusters and admins."""

    holder_name: str | None = None  # type: ignore[assignment]


class ReviewRequest(Body):
    decision: ReviewDecision
    approved_amount: PositiveMoney | None = None
    note: FreeText | None = Field(
        default=None,
        max_length=4000,
        description="Internal note for the claim's file: shown to staff, never to the claimant "
        "or the client system, never e-mailed.",
    )
    message_to_claimant: FreeText | None = Field(
        default=None,
        max_length=4000,
        validate_default=True,
        description="What the claimant reads: e-mailed to them with a rejection, an "
        "information request or (with an approval, e.g. why a payment is partial) the payment, "
        "and shown to the client system. Required with request_info.",
    )

    @field_validator("message_to_claimant")
    @classmethod
    def _info_requests_say_what_is_missing(
        cls, message: str | None, info: ValidationInfo
    ) -> str | None:
        # A field validator (not a model one), so that the 422 names this field.
        if info.data.get("decision") is ReviewDecision.REQUEST_INFO and not (message or "").strip():
            raise ValueError(
                "request_info needs a message telling the claimant what is missing (the note "
                "is internal and never sent)"
            )
        return message


class PayeeRequest(Body):
    payee: Line = Field(
        min_length=3,
        max_length=200,
        description="The account to pay instead of the claimant's own (after the bank refused "
        "it), as the payment rail names accounts.",
    )
    note: FreeText | None = Field(
        default=None,
        max_length=4000,
        description="Why (internal; required from adjusters and admins, who correct it on the "
        "claimant's word).",
    )


class CancelRequest(Body):
    reason: FreeText | None = Field(default=None, max_length=4000)


MAX_DOCUMENT_BYTES = 1024 * 1024


class DocumentIn(Body):
    name: Line = Field(min_length=1, max_length=200)
    content_type: Literal["text/plain"] = "text/plain"
    # Bounded in bytes by the route (413), which is the limit that matters to storage.
    text: FreeText = Field(min_length=1)


class DocumentOut(BaseModel):
    document_id: uuid.UUID
    claim_id: uuid.UUID
    name: str
    content_type: str = Field(description="the media type, decided by the file's content")
    size_bytes: int
    added_by: str
    created_at: dt.datetime
    kind: str = Field(
        default="text", description="text, or the file's kind: jpeg, png, webp or pdf"
    )
    sha256: str | None = Field(default=None, description="digest of the file as it was sent")
    extraction: str | None = Field(
        default=None,
        description="null until the file is read for the model; `read`, or why it could not be",
    )


class EventOut(BaseModel):
    at: dt.datetime
    type: str
    detail: dict[str, Any]


class ModelOut(BaseModel):
    name: str
    prompt_version: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: Decimal | None
    latency_ms: int | None
    attempts: int | None


class AdjusterOut(BaseModel):
    name: str
    role: str | None


class DecisionOut(BaseModel):
    outcome: str
    decided_by: str
    reasons: list[str]
    rules_fired: list[str]
    approved_amount: Decimal | None
    at: dt.datetime
    adjuster: AdjusterOut | None = None
    note: str | None = None
    model: ModelOut | None = None
    recommendation: str | None = None
    confidence: float | None = None
    rationale: str | None = None
    risk_flags: list[str] | None = None


class PaymentOut(BaseModel):
    payment_id: uuid.UUID
    amount: Decimal
    currency: str
    status: str
    attempt: int
    rail_reference: str | None
    failure_reason: str | None
    settled_at: dt.datetime | None


class ClaimSummary(BaseModel):
    claim_id: uuid.UUID
    # The human number (CLM-2026-000123) people quote; null only for a claim not recorded yet
    # by an older build.
    claim_number: str | None = None
    workflow_id: str
    policy_number: str
    claim_type: str
    amount: Decimal
    currency: str
    status: ClaimStatus
    payable_amount: Decimal | None
    approved_amount: Decimal | None
    escalated: bool
    submitted_at: dt.datetime
    updated_at: dt.datetime | None
    # The API key name that submitted the claim (null for claims from before ownership).
    submitted_by: str | None = None


class ShadowOut(BaseModel):
    """A candidate model's assessment of the claim, beside production's (staff only)."""

    model: str
    prompt_version: str
    round: int
    status: str
    route: str | None
    production_route: str | None
    agrees: bool | None
    recommendation: str | None
    confidence: float | None
    rationale: str | None
    risk_flags: list[str]
    cost_usd: Decimal | None
    latency_ms: int | None
    error: str | None
    created_at: dt.datetime


class ClaimOut(ClaimSummary):
    claimant: Claimant
    incident_date: dt.date
    description: str
    decision: DecisionOut | None
    payment: PaymentOut | None
    documents: list[DocumentOut] = []
    events: list[EventOut]
    # Shadow assessments by candidate models: shown to adjusters and admins, null otherwise.
    shadows: list[ShadowOut] | None = None


class SubmitResponse(BaseModel):
    claim_id: uuid.UUID
    claim_number: str
    workflow_id: str
    status: ClaimStatus
    submitted_at: dt.datetime


class ClaimPage(BaseModel):
    items: list[ClaimSummary]
    next_cursor: str | None
