"""Inputs, outputs, state and handler payloads of ClaimWorkflow.

Data definitions only: this module passes through the workflow sandbox (`workflows/sandbox.py`)
and is imported by the API, so it must never hold behaviour that could be non-deterministic.
Unknown fields are ignored (pydantic's default) so workers one release apart can read each other
during a rolling deploy.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from claims.assessment import ShadowSpec
from claims.lifecycle import ClaimStatus
from claims.models import ClaimSubmission, Policy
from claims.rules import RiskRule

WORKFLOW_NAME = "ClaimWorkflow"
REVIEW_UPDATE = "review"
CANCEL_UPDATE = "cancel"
ADD_DOCUMENT_UPDATE = "add_document"
RETRY_UPDATE = "retry"
STATE_QUERY = "state"


def workflow_id_for(claim_id: uuid.UUID) -> str:
    return f"claim-{claim_id}"


# A claim starts its shadow assessments (workflows/shadow.py) by this name, so that creating a
# claim's sandbox does not import and define the shadow workflow class for every claim: its
# decorator checks signatures and evaluates type hints again in each new sandbox.
SHADOW_WORKFLOW_NAME = "ShadowAssessment"


def shadow_workflow_id(claim_workflow_id: str, round_: int, index: int) -> str:
    return f"{claim_workflow_id}-shadow-{round_}-{index}"


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
    # The model's confidence needed for auto-approval. The default is what claims submitted
    # before this field existed were decided with, so their histories replay unchanged.
    auto_approve_min_confidence: float = 0.9
    # Attempts of a failing database step before the claim is flagged as retrying (it keeps
    # retrying: an outage pauses claims, it never fails them).
    step_alert_attempts: int = 10
    # How often a claim waiting for a person checks whether its deployment's target build
    # changed, and moves to it (workflows/builds.py).
    version_check_s: int = 3_600


class ClaimWorkflowInput(Frozen):
    claim_id: uuid.UUID
    submission: ClaimSubmission
    submitted_at: dt.datetime
    config: ClaimConfig
    # The principal (API key name) that submitted the claim: its owner. None before ownership.
    submitted_by: str | None = None
    # The state a previous run handed over when it continued as new; None on the first run.
    state: ClaimState | None = None


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
    # Internal: for the claim's file and the staff who read it; never sent to the claimant.
    note: str | None = Field(default=None, max_length=4000)
    adjuster_name: str
    adjuster_role: str
    # What the claimant reads (e-mailed, and shown to the client system): written for them.
    message_to_claimant: str | None = Field(default=None, max_length=4000)


class CancelInput(Frozen):
    reason: str | None = Field(default=None, max_length=4000)
    by: Actor


class RetryInput(Frozen):
    """An operator's request to run a parked claim's failed step again."""

    by: Actor


class DocumentAdded(Frozen):
    """A document already stored in Postgres; only its id travels through Temporal."""

    document_id: uuid.UUID
    name: str
    by: Actor


class ClaimState(BaseModel):
    """Everything a claim's workflow knows: one object, mutated only by the workflow.

    The query and the update results return it, and continue-as-new carries it whole to the
    next run, so no field is ever restored one by one. Defaults keep older payloads readable.
    """

    claim_id: uuid.UUID
    status: ClaimStatus = ClaimStatus.SUBMITTED
    # The last recorded step (audit event); steps order the claim row's writes.
    step: int = 0
    payable_amount: Decimal = Decimal(0)
    approved_amount: Decimal | None = None
    escalated: bool = False
    # What the claim waits for now, in words an operator reads in the Web UI.
    waiting_on: str | None = None
    document_ids: list[uuid.UUID] = []
    policy: Policy | None = None
    risk_rules: list[RiskRule] = []
    info_rounds: int = 0
    payment_attempts: int = 0
    # The outcome (rejected, or paying) the flow has committed to, which a cancel must not
    # race; None while the claim can still be cancelled.
    closing: ClaimStatus | None = None
    # Where a wait for a person stands, so a run that moved to a new build resumes it: why the
    # claim awaits review and when that escalates; the documents it had when info was asked.
    review_reasons: list[str] = []
    review_due_at: dt.datetime | None = None
    documents_before_request: int = 0
    # Shadow candidates the admitting worker named (workflows/shadow.py), and how many times the
    # claim has been assessed (each assessment's shadows are their own round).
    shadows: list[ShadowSpec] = []
    assessment_rounds: int = 0


# The forward reference in ClaimWorkflowInput.state resolves once ClaimState exists.
ClaimWorkflowInput.model_rebuild()


# The relays of an earlier design (one per subscription, retries slept inside activities):
# workers end any still running when they start (workers/outbox_worker.py).
LEGACY_OUTBOX_WORKFLOW_NAME = "OutboxRelayWorkflow"
OUTBOX_WORKFLOW_NAME = "OutboxDispatcher"
WAKE_SIGNAL = "wake"
# Sent by `claims deploy promote` to workflows of older builds: look now whether the target build
# changed (the workflow decides, from the server's deployment data), instead of at the next check.
CHECK_BUILD_SIGNAL = "check_build"


class OutboxChannel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


def dispatcher_id(channel: OutboxChannel, outbox_task_queue: str) -> str:
    """One dispatcher per channel and outbox queue: `outbox-webhook-<queue>`, `outbox-email-…`."""
    return f"outbox-{channel}-{outbox_task_queue}"


def dispatcher_start(
    channel: OutboxChannel, *, task_queue: str, pacing: dict[str, Any]
) -> dict[str, Any]:
    """`Client.start_workflow` arguments of a dispatcher: the API and the workers start the same."""
    relay = OutboxRelayInput(channel=channel, relay=task_queue, **pacing)
    return {
        "workflow": OUTBOX_WORKFLOW_NAME,
        "arg": relay,
        "id": dispatcher_id(channel, task_queue),
        "task_queue": task_queue,
    }


class OutboxRelayInput(Frozen):
    """One dispatcher: every webhook delivery of its queue's subscriptions, or the e-mails.

    Its pacing is fixed when it starts and carried across continue-as-new.
    """

    channel: OutboxChannel
    relay: str = ""
    # Deliveries in flight at once, and for any one principal (webhooks): a principal whose
    # receivers hang holds at most its own share of the slots.
    max_in_flight: int = Field(default=16, ge=1)
    max_in_flight_per_principal: int = Field(default=4, ge=1)
    # An idle dispatcher waits this long between looks: new rows wake it with a signal and a
    # retry's due time by a timer, so this is only the safety sweep.
    sweep_s: float = Field(default=60.0, gt=0)
    attempt_timeout_s: float = Field(default=10.0, gt=0)
