"""Shadow assessments (workflows/shadow.py): a candidate model assesses a live claim beside
production, reserving its spend first and recording its outcome beside the claim.
Data definitions only."""

from __future__ import annotations

import uuid
from decimal import Decimal

from claims.assessment import ClaimFacts, ShadowSpec
from contracts.base import Contract

# A claim starts its shadow assessments by this name, so that creating a claim's sandbox does not
# import and define the shadow workflow class for every claim: its decorator checks signatures
# and evaluates type hints again in each new sandbox.
SHADOW_WORKFLOW_NAME = "ShadowAssessment"


def shadow_workflow_id(claim_workflow_id: str, round_: int, index: int) -> str:
    return f"{claim_workflow_id}-shadow-{round_}-{index}"


class ShadowInput(Contract):
    """What a shadow assessment needs: production's facts and routing inputs, and a candidate."""

    claim_id: uuid.UUID
    # Which assessment of the claim this shadows (a claim is assessed again after documents).
    round: int
    spec: ShadowSpec
    facts: ClaimFacts
    document_ids: list[uuid.UUID] = []
    payable_amount: Decimal
    auto_approve_limit: Decimal
    min_confidence: float
    risk_rules: list[str] = []
    llm_task_queue: str
    llm_timeout_s: float
    # The claim's policy, for an investigating candidate's policy lookup.
    policy_number: str = ""


class ShadowBudgetInput(Contract):
    """A shadow's reservation against its model's daily budget (one per shadow)."""

    model: str
    # Which shadow reserves; None only in inputs recorded before reservations existed.
    claim_id: uuid.UUID | None = None
    round: int = 0
    prompt_version: str = ""
    # Model calls the shadow may make (an investigating candidate: its turn bound): reserved
    # as that many assessments' worth.
    calls: int = 1


class ShadowRecord(Contract):
    """A shadow's outcome, stored beside the claim (never on it)."""

    claim_id: uuid.UUID
    round: int
    model: str
    prompt_version: str
    # done, invalid (the model's output was unusable), failed, timed_out, over_budget
    status: str
    route: str | None = None
    recommendation: str | None = None
    confidence: float | None = None
    rationale: str | None = None
    risk_flags: list[str] = []
    reasons: list[str] = []
    cost_usd: Decimal | None = None
    latency_ms: int | None = None
    error: str | None = None
