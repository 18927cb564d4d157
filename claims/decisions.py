"""The decision ledger's records: who decided what about a claim, and on which facts.

Written by the workflow's steps, stored by `infra.store.claims`, read back by the API: a domain
type, so persistence does not depend on any activity's wire format.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from claims.assessment import ModelAnswer
from claims.models import DecidedBy, DecisionOutcome


class ModelFacts(BaseModel):
    """What the decision ledger records about one assessment call."""

    model_config = ConfigDict(frozen=True)

    name: str
    prompt_version: str
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    latency_ms: int
    attempts: int


class DecisionRecord(BaseModel):
    """One row of the decision ledger."""

    model_config = ConfigDict(frozen=True)

    outcome: DecisionOutcome
    decided_by: DecidedBy
    reasons: list[str]
    rules_fired: list[str] = []
    payable_amount: Decimal | None = None
    approved_amount: Decimal | None = None
    model: ModelFacts | None = None
    answer: ModelAnswer | None = None
    adjuster_name: str | None = None
    adjuster_role: str | None = None
    note: str | None = None
