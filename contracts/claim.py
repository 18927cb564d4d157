"""ClaimWorkflow's input, and the updates, query and signal it answers (its state, which
continue-as-new carries in the input, is contracts/claim_state.py).

Data definitions (see contracts/base.py): the API builds these, the workflow reads them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from claims.models import ClaimSubmission
from claims.transitions import SubmittedFile
from contracts.base import Contract
from contracts.claim_state import ClaimState

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
