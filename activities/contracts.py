"""One input and one output model per activity, shared by the workflow and the workers.

This module passes through the workflow sandbox (see `workflows/sandbox.py`): it holds data
definitions only, never behaviour that could be non-deterministic.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypedDict, TypeVar

from pydantic import BaseModel, ConfigDict

from claims.assessment import ClaimFacts, ModelAnswer, ShadowSpec
from claims.decisions import DecisionRecord, ModelFacts
from claims.lifecycle import ClaimStatus, EventType, NotificationKind
from claims.models import ClaimSubmission, Policy
from claims.rules import PolicyCheck


class Contract(BaseModel):
    # Unknown fields are ignored (pydantic's default), so a worker one release behind still
    # reads what a newer workflow sends during a rolling deploy.
    model_config = ConfigDict(frozen=True)


# Activity names, so the workflow can call activities served by another worker (the llm worker)
# without importing its implementation.
ADMIT_CLAIM = "admit_claim"
RECORD_STEPS = "record_steps"
ASSESS_CLAIM = "assess_claim"
PAY_CLAIM = "pay_claim"
RELEASE_PAYMENT = "release_payment"
SHADOW_WITHIN_BUDGET = "shadow_within_budget"
RECORD_SHADOW = "record_shadow"

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out")


@dataclass(frozen=True)
class ActivityRef(Generic[In, Out]):
    """An activity's name typed with its input and result, so a workflow's call is checked.

    The workflow calls activities by name (their implementations do I/O and stay out of the
    sandbox); this pairs each name with its types, so mypy sees what goes in and comes out.
    """

    name: str
    result_type: type[Out]


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


class AssessmentInput(Contract):
    claim_id: uuid.UUID
    facts: ClaimFacts
    # Only ids: document text lives in Postgres and is read by the llm worker, never carried
    # through workflow history.
    document_ids: list[uuid.UUID] = []
    # A shadow assessment names its candidate; production's leave these to the llm worker.
    model: str | None = None
    prompt_version: str | None = None


class AssessmentResult(Contract):
    """A validated answer, or `answer=None` with the reason the model's output was unusable."""

    answer: ModelAnswer | None
    invalid_reason: str | None = None
    model: ModelFacts
    # Models of the chain that failed before `model` answered, with the kind of failure.
    model_faults: list[str] = []


class PaymentInput(Contract):
    claim_id: uuid.UUID
    # The workflow's payment attempt: 1, then 2 after a refused payment was compensated.
    attempt: int
    amount: Decimal
    currency: str
    payee: str

    @property
    def idempotency_key(self) -> str:
        """Derived from the claim id (and attempt): every retry and worker asks the same thing."""
        return payment_key(self.claim_id, self.attempt)


def payment_key(claim_id: uuid.UUID, attempt: int) -> str:
    return f"claim-{claim_id}-payment-{attempt}"


class ReleaseInput(Contract):
    """Compensation: release the reservation of a refused payment attempt."""

    claim_id: uuid.UUID
    attempt: int
    reason: str


class PaymentResult(Contract):
    payment_id: uuid.UUID
    amount: Decimal
    currency: str
    rail_reference: str


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


ADMIT = ActivityRef[SubmissionRecord, PolicyCheckResult](ADMIT_CLAIM, PolicyCheckResult)
WRITE_STEPS = ActivityRef[StepsInput, None](RECORD_STEPS, type(None))
ASSESS = ActivityRef[AssessmentInput, AssessmentResult](ASSESS_CLAIM, AssessmentResult)
PAY = ActivityRef[PaymentInput, PaymentResult](PAY_CLAIM, PaymentResult)
RELEASE = ActivityRef[ReleaseInput, None](RELEASE_PAYMENT, type(None))


# The outbox dispatchers (workflows/outbox.py): webhook deliveries and claimant e-mails.
DUE_WEBHOOKS = "due_webhook_deliveries"
DELIVER_WEBHOOK = "deliver_webhook"
DUE_EMAILS = "due_emails"
SEND_EMAIL = "send_email"


class DueInput(Contract):
    """Which outbox rows to hand out next: due now, none already in flight, fairly shared."""

    # The dispatcher asking (its outbox task queue): it serves the subscriptions made there.
    relay: str = ""
    exclude: list[int] = []
    limit: int
    # At most this many in flight for one principal (webhooks); None: no per-principal cap.
    per_principal: int | None = None


class DueResult(Contract):
    ids: list[int]
    # More rows are due than were handed out (slots or a principal's cap were full): look
    # again as soon as a delivery ends.
    capped: bool = False
    # Seconds until the next row waiting for a retry (or behind an open breaker) is due.
    next_due_in_s: float | None = None


class OutboxItem(Contract):
    """One attempt at one row; the attempt itself records its outcome and schedules the next."""

    id: int


class AttemptResult(Contract):
    """What the dispatcher needs to know of an attempt it handed out."""

    # The attempt failed for now and scheduled its retry this many seconds ahead: the
    # dispatcher looks again then, not at its next sweep.
    retry_in_s: float | None = None


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


class ShadowBudgetInput(Contract):
    """A shadow's reservation against its model's daily budget (one per shadow)."""

    model: str
    # Which shadow reserves; None only in inputs recorded before reservations existed.
    claim_id: uuid.UUID | None = None
    round: int = 0
    prompt_version: str = ""


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
