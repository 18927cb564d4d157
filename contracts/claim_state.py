"""A claim workflow's whole state (`ClaimState`): what its query and updates return and what
continue-as-new hands to the next run. Its methods, each named for what happened to the claim,
are the only code that changes it (tests/unit/workflows/test_state_by_name.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import ConfigDict

from claims.agent import AgentLimits
from claims.assessment import ShadowSpec
from claims.lifecycle import ClaimStatus
from claims.models import Policy
from claims.rules import RiskRule
from contracts.agent import Investigation
from contracts.base import Contract


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
