"""Domain models shared by the API, the workflow and the activities."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from claims.text import Email, FreeText, IsoDate, Line, NonNegativeMoney, PositiveMoney

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]
POLICY_NUMBER_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
PolicyNumber = Annotated[str, Field(min_length=1, max_length=64, pattern=POLICY_NUMBER_PATTERN)]

CENT = Decimal("0.01")


class ClaimType(StrEnum):
    AUTO = "auto"
    HOME = "home"
    HEALTH = "health"
    TRAVEL = "travel"


class PolicyStatus(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"


class DecidedBy(StrEnum):
    RULE = "rule"
    MODEL = "model"
    ADJUSTER = "adjuster"


class DecisionOutcome(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"
    REQUEST_INFO = "request_info"


class StrictModel(BaseModel):
    """Refuses unknown fields so a typo in a request is a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(StrictModel):
    policy_number: PolicyNumber
    holder_name: Line = Field(min_length=1, max_length=200)
    coverages: list[ClaimType] = Field(min_length=1)
    coverage_limit: PositiveMoney
    deductible: NonNegativeMoney
    currency: CurrencyCode
    effective_from: IsoDate
    effective_to: IsoDate
    status: PolicyStatus = PolicyStatus.ACTIVE

    @field_validator("coverages")
    @classmethod
    def _unique_coverages(cls, value: list[ClaimType]) -> list[ClaimType]:
        return sorted(set(value))

    @model_validator(mode="after")
    def _period_is_forward(self) -> Policy:
        if self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from")
        return self


class Claimant(StrictModel):
    name: Line = Field(min_length=1, max_length=200)
    email: Email


class ClaimSubmission(StrictModel):
    """What a client system submits. Validated before any workflow starts."""

    policy_number: PolicyNumber
    claimant: Claimant
    claim_type: ClaimType
    incident_date: IsoDate
    amount: PositiveMoney
    currency: CurrencyCode
    description: FreeText = Field(min_length=1, max_length=10_000)
