"""The claim lifecycle in one place: statuses, audit events, and the error types on the wire.

Adding a status means adding it here, with the event that records it; the workflow, the
activities and the API all read these tables instead of repeating strings.
"""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    ASSESSING = "assessing"
    AWAITING_REVIEW = "awaiting_review"
    AWAITING_INFO = "awaiting_info"
    APPROVED = "approved"
    PAYING = "paying"
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    # A step failed permanently: the claim waits for an operator to retry it (or cancel it).
    NEEDS_ATTENTION = "needs_attention"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES

    @property
    def is_cancellable(self) -> bool:
        return self in CANCELLABLE_STATUSES

    @property
    def recorded_by(self) -> EventType:
        """The audit event written in the same step that moves a claim to this status."""
        return STATUS_EVENT[self]


class EventType(StrEnum):
    """Audit events (`claim_event.type`), in roughly the order a claim meets them."""

    SUBMITTED = "submitted"
    POLICY_CHECKED = "policy_checked"
    ASSESSED = "assessed"
    REVIEW_REQUESTED = "review_requested"
    ESCALATED = "escalated"
    REVIEWED = "reviewed"
    INFO_REQUESTED = "info_requested"
    DOCUMENT_ADDED = "document_added"
    INFORMATION_RECEIVED = "information_received"
    APPROVED = "approved"
    PAYMENT_STARTED = "payment_started"
    PAYMENT_FAILED = "payment_failed"
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    # A step failed permanently and the claim was parked; an operator retried it.
    NEEDS_ATTENTION = "needs_attention"
    RETRIED = "retried"
    # The account to pay was corrected (after the bank refused the claimant's own).
    PAYEE_CORRECTED = "payee_corrected"


class NotificationKind(StrEnum):
    """Messages queued for the claimant in the notification outbox."""

    CLAIM_REJECTED = "claim_rejected"
    CLAIM_PAID = "claim_paid"
    CLAIM_CANCELLED = "claim_cancelled"
    INFORMATION_REQUESTED = "information_requested"
    REVIEW_ESCALATED = "review_escalated"
    # For operators rather than the claimant: a claim is parked until someone acts.
    CLAIM_NEEDS_ATTENTION = "claim_needs_attention"


class ErrorType(StrEnum):
    """`ApplicationError.type`s shared by activities, the workflow and the API's error mapping."""

    # Activities: business answers that retrying cannot change.
    PAYMENT_REFUSED = "PaymentRefused"
    MODEL_UNAVAILABLE = "ModelUnavailable"
    MODEL_TIMED_OUT = "ModelTimedOut"
    DOCUMENTS_UNAVAILABLE = "DocumentsUnavailable"
    # Update validators: the claim cannot take this request (409), or the request is bad (422).
    CLAIM_NOT_AWAITING_REVIEW = "ClaimNotAwaitingReview"
    CLAIM_NOT_CANCELLABLE = "ClaimNotCancellable"
    CLAIM_CLOSED = "ClaimClosed"
    INVALID_REVIEW = "InvalidReview"
    # Segregation of duties: the principal that submitted a claim never decides it (403).
    OWN_CLAIM = "OwnClaim"
    CLAIM_NOT_PARKED = "ClaimNotParked"
    # Activities: a step that cannot succeed as things stand (bad data, a bug) is not retried,
    # it parks the claim; a transient one (an outage) is retried without limit.
    STEP_FAILED = "StepFailed"
    TRANSIENT_FAILURE = "TransientFailure"


TERMINAL_STATUSES = frozenset({ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.CANCELLED})

# Once money starts moving (or the claim is settled) a cancel can no longer win.
CANCELLABLE_STATUSES = frozenset(ClaimStatus) - TERMINAL_STATUSES - {ClaimStatus.PAYING}

STATUS_EVENT: dict[ClaimStatus, EventType] = {
    ClaimStatus.SUBMITTED: EventType.SUBMITTED,
    ClaimStatus.ASSESSING: EventType.POLICY_CHECKED,
    ClaimStatus.AWAITING_REVIEW: EventType.REVIEW_REQUESTED,
    ClaimStatus.AWAITING_INFO: EventType.INFO_REQUESTED,
    ClaimStatus.APPROVED: EventType.APPROVED,
    ClaimStatus.PAYING: EventType.PAYMENT_STARTED,
    ClaimStatus.PAID: EventType.PAID,
    ClaimStatus.REJECTED: EventType.REJECTED,
    ClaimStatus.CANCELLED: EventType.CANCELLED,
    ClaimStatus.NEEDS_ATTENTION: EventType.NEEDS_ATTENTION,
}
