"""ClaimWorkflow's input, its state, and the updates, query and signal it answers.

Data definitions (see contracts/base.py): the API builds these, the workflow reads them. The one
exception is ClaimState's methods: each is named for what happened to the claim, and they are
the only code that changes the workflow's state (tests/unit/workflows/test_state_by_name.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field

from claims.agent import AgentLimits
from claims.assessment import ShadowSpec
from claims.lifecycle import ClaimStatus
from claims.models import ClaimSubmission, Policy
from claims.rules import RiskRule
from claims.transitions import SubmittedFile
from contracts.agent import Investigation
from contracts.base import Contract

WORKFLOW_NAME = "ClaimWorkflow"
REVIEW_UPDATE = "review"
CANCEL_UPDATE = "cancel"
ADD_DOCUMENT_UPDATE = "add_document"
PAYEE_UPDATE = "correct_payee"
RETRY_UPDATE = "retry"
STATE_QUERY = "state"


def workflow_id_for(claim_id: uuid.UUID) -> str:
    return f"claim-{claim_id}"


# Sent by `claims deploy promote` to workflows of older builds: look now whether the target build
# changed (the workflow decides, from the server's deployment data), instead of at the next check.
CHECK_BUILD_SIGNAL = "check_build"


class ClaimConfig(Contract):
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
    # changed, and moves to it (workflows/build_watch.py).
    version_check_s: int = 3_600
    # How long a claimant has to answer an adjuster's request for information; then the claim
    # is assessed again without it (workflows/claim.py, behind INFO_DEADLINE_PATCH).
    info_wait_s: int = 14 * 86_400


class ClaimWorkflowInput(Contract):
    claim_id: uuid.UUID
    submission: ClaimSubmission
    submitted_at: dt.datetime
    config: ClaimConfig
    # The principal (API key name) that submitted the claim: its owner. None before ownership.
    submitted_by: str | None = None
    # The state a previous run handed over when it continued as new; None on the first run.
    state: ClaimState | None = None
    # Files sent with the submission, stored before the start: references only.
    files: list[SubmittedFile] = []


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFO = "request_info"


class Actor(Contract):
    """Who asked: the API key's name and role (never the token)."""

    name: str
    role: str


class ReviewInput(Contract):
    """An adjuster's review, sent as the `review` update."""

    decision: ReviewDecision
    approved_amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    # Internal: for the claim's file and the staff who read it; never sent to the claimant.
    note: str | None = Field(default=None, max_length=4000)
    adjuster_name: str
    adjuster_role: str
    # What the claimant reads (e-mailed, and shown to the client system): written for them.
    message_to_claimant: str | None = Field(default=None, max_length=4000)


class CancelInput(Contract):
    reason: str | None = Field(default=None, max_length=4000)
    by: Actor


class PayeeCorrection(Contract):
    """The account to pay instead of the claimant's own (after the bank refused it): from the
    claimant's system, or from an adjuster, who says why in `note`."""

    payee: str = Field(min_length=3, max_length=200)
    note: str | None = Field(default=None, max_length=4000)
    by: Actor


class RetryInput(Contract):
    """An operator's request to run a parked claim's failed step again."""

    by: Actor


class DocumentAdded(Contract):
    """A document already stored (a file's bytes in object storage): only its reference
    travels through Temporal, never its bytes or its text (the claim-check pattern)."""

    document_id: uuid.UUID
    name: str
    by: Actor
    # A file's: its kind by content, its size and digest. A text document has kind "text".
    kind: str = "text"
    size_bytes: int | None = None
    sha256: str | None = None


class ClaimState(Contract):
    """Everything a claim's workflow knows: one object, mutated only by the workflow.

    The query and the update results return it, and continue-as-new carries it whole to the
    next run, so no field is ever restored one by one. Defaults keep older payloads readable.
    """

    # The one mutable contract: the workflow's own state, changed as the claim moves on.
    model_config = ConfigDict(frozen=False)

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
    # PDFs added since the last read (activities/documents.py): their text is extracted before
    # the model is next asked.
    unread_files: list[uuid.UUID] = []
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
    approval_message: str | None = None
    # The last review the claim took (decision, amount, who): a parked step that was to record
    # it names it, so whoever retries knows what Retry will do (e.g. pay that amount).
    last_review: dict[str, str | None] | None = None
    # When the claimant's answer to an adjuster's request is due (None: no deadline, as for
    # requests made before deadlines existed).
    info_due_at: dt.datetime | None = None
    # The account to pay when it was corrected (None: the claimant's own, from the submission).
    payee: str | None = None
    documents_before_request: int = 0
    # Shadow candidates the admitting worker named (workflows/shadow.py), and how many times the
    # claim has been assessed (each assessment's shadows are their own round).
    shadows: list[ShadowSpec] = []
    assessment_rounds: int = 0
    # The investigation's bounds from the admitting worker (None: one-shot assessments), and
    # the investigation so far (workflows/investigation.py).
    agent: AgentLimits | None = None
    investigation: Investigation | None = None

    # --- what happened: the only writes to this state ------------------------------------

    def submitted(self) -> int:
        """The submission is recorded as the claim's first step."""
        self.step = 1
        return self.step

    def took_step(self) -> int:
        """An event or a notification was decided: it takes the next step number."""
        self.step += 1
        return self.step

    def admitted(
        self,
        *,
        payable_amount: Decimal,
        policy: Policy | None,
        risk_rules: list[RiskRule],
        shadows: list[ShadowSpec],
        agent: AgentLimits | None = None,
    ) -> None:
        """The policy check ran: what the policy pays, what it flagged, who shadows the model,
        and whether the model investigates."""
        self.payable_amount = payable_amount
        self.policy = policy
        self.risk_rules = list(risk_rules)
        self.shadows = list(shadows)
        self.agent = agent

    def investigation_round(self) -> Investigation:
        """The investigation to go on with: a pending question's, or a fresh transcript."""
        if self.investigation is None:
            self.investigation = Investigation()
        elif self.investigation.asked is None:
            self.investigation.round_started()
        return self.investigation

    def committed_to(self, outcome: ClaimStatus) -> None:
        """The flow chose an end (rejected, cancelled) or started paying: a cancel cannot race."""
        self.closing = outcome

    def reopened(self) -> None:
        """A refused payment was compensated: the claim can be decided (or cancelled) again."""
        self.closing = None

    def moved_to(self, status: ClaimStatus) -> None:
        self.status = status

    def waiting_for(self, what: str | None) -> None:
        self.waiting_on = what

    def assessment_started(self) -> int:
        """The model is asked again; this round's shadows are numbered by it."""
        self.assessment_rounds += 1
        return self.assessment_rounds

    def review_requested(self, reasons: list[str], due_at: dt.datetime) -> None:
        self.review_reasons = list(reasons)
        self.review_due_at = due_at

    def review_escalated(self) -> None:
        self.escalated = True

    def review_taken(self) -> None:
        """An adjuster decided: the claim leaves the review queue, escalated or not."""
        self.escalated = False

    def approved(self, amount: Decimal) -> None:
        self.approved_amount = amount

    def payee_corrected(self, payee: str) -> None:
        self.payee = payee

    def review_recorded(self, decision: str, approved_amount: Decimal | None, by: str) -> None:
        self.last_review = {
            "decision": decision,
            "approved_amount": str(approved_amount) if approved_amount is not None else None,
            "by": by,
        }

    def approval_explained(self, message: str | None) -> None:
        """What the approving adjuster wrote for the claimant (why a payment is partial): the
        paid e-mail says it."""
        self.approval_message = message

    def information_requested(self, due_at: dt.datetime | None = None) -> None:
        """Documents added from now on answer the request (by `due_at`, when it has one)."""
        self.documents_before_request = len(self.document_ids)
        self.info_due_at = due_at

    def document_added(self, document_id: uuid.UUID, kind: str = "text") -> None:
        self.document_ids.append(document_id)
        if kind == "pdf":
            self.unread_files.append(document_id)

    def files_read(self) -> None:
        self.unread_files = []

    def information_received(self) -> int:
        self.info_rounds += 1
        return self.info_rounds

    def payment_started(self) -> int:
        """A payment attempt begins; the rail is idempotent by claim and attempt."""
        self.payment_attempts += 1
        return self.payment_attempts

    def approval_withdrawn(self) -> None:
        """The rail refused the payment: the approved amount is no longer to be paid."""
        self.approved_amount = None


# The forward reference in ClaimWorkflowInput.state resolves once ClaimState exists.
ClaimWorkflowInput.model_rebuild()
