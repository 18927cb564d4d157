"""The business steps of a claim: what each one records, and which activity acts on it.

ClaimWorkflow owns the flow (which step comes next); this module knows what each step writes
(events, decisions, notifications: `workflows/recording.py` writes them) and calls the
activities that act outside Postgres: the model on the llm queue, and the payment rail.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal
from typing import Any

from temporalio import workflow

import contracts as c
from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus, EventType, NotificationKind
from claims.models import DecidedBy, DecisionOutcome
from claims.rules import PolicyCheck
from contracts import CancelInput, DocumentAdded, PayeeCorrection, ReviewDecision, ReviewInput
from workflows.bound import BoundToClaim

_REVIEW_OUTCOME = {
    ReviewDecision.APPROVE: DecisionOutcome.APPROVE,
    ReviewDecision.REJECT: DecisionOutcome.REJECT,
    ReviewDecision.REQUEST_INFO: DecisionOutcome.REQUEST_INFO,
}


class ClaimSteps(BoundToClaim):
    """The steps of one claim other than assessing and paying it."""

    # --- admission --------------------------------------------------------------------------

    async def admit(self) -> c.PolicyCheckResult:
        """Record the submission (step 1) and check the claim against its policy: one step."""
        self._claim.submitted()
        claim = self._input
        record = c.SubmissionRecord(
            claim_id=claim.claim_id,
            workflow_id=workflow.info().workflow_id,
            submission=claim.submission,
            submitted_at=claim.submitted_at,
            submitted_by=claim.submitted_by,
            files=claim.files,
        )
        summary = f"Record submission; check against policy {claim.submission.policy_number}"
        checked = await self._recorder.db_step(
            c.ADMIT, record, summary, resume=ClaimStatus.SUBMITTED
        )
        # Written with the claim's row: the claim has them from its first step (claims from
        # before files have none, and replay as they ran).
        for sent in claim.files:
            self._claim.document_added(sent.document_id, sent.kind)
        return checked

    async def reject_by_rule(self, check: PolicyCheck) -> None:
        rule = check.rule.value if check.rule else "unknown"
        await self._recorder.transition(
            EventType.POLICY_CHECKED,
            detail={"passed": False, "rule": rule, "reasons": check.reasons},
            defer=True,
        )
        await self._recorder.transition(
            EventType.REJECTED,
            status=ClaimStatus.REJECTED,
            defer=True,
            detail={"decided_by": DecidedBy.RULE.value, "rule": rule, "reasons": check.reasons},
            payable_amount=check.payable_amount,
            decision=DecisionRecord(
                outcome=DecisionOutcome.REJECT,
                decided_by=DecidedBy.RULE,
                reasons=check.reasons,
                rules_fired=[rule],
                payable_amount=check.payable_amount,
            ),
        )
        await self._recorder.notify(
            NotificationKind.CLAIM_REJECTED, {"rule": rule, "reasons": check.reasons}
        )

    async def policy_passed(self, check: PolicyCheck) -> None:
        await self._recorder.transition(
            EventType.POLICY_CHECKED,
            status=ClaimStatus.ASSESSING,
            detail={"payable_amount": str(check.payable_amount), "reasons": check.reasons},
            payable_amount=check.payable_amount,
            defer=True,  # written as the assessment starts
        )

    async def information_received(self, *, answered: bool = True) -> None:
        round_ = self._claim.information_received()
        # `answered` False: an investigation's question went unanswered until its deadline.
        detail: dict[str, Any] = (
            {"round": round_} if answered else {"round": round_, "answered": False}
        )
        await self._recorder.transition(
            EventType.INFORMATION_RECEIVED, status=ClaimStatus.ASSESSING, detail=detail
        )

    async def ask_claimant(self, question: str, *, due_at: dt.datetime) -> None:
        """The investigating model's question, sent as an adjuster's request is."""
        inv = self._claim.investigation
        await self._recorder.transition(
            EventType.INFO_REQUESTED,
            status=ClaimStatus.AWAITING_INFO,
            detail={
                "asked_by": "model",
                "message_to_claimant": question,
                "answer_due_at": due_at.isoformat(),
                # The investigation so far: adjusters see it while the claim waits.
                **({"investigation": inv.audit_detail()} if inv is not None else {}),
            },
            defer=True,
        )
        await self._recorder.notify(NotificationKind.INFORMATION_REQUESTED, {"message": question})

    async def add_document(self, document: DocumentAdded) -> None:
        """An update handler's step: written on its own, then the flow sees the document."""
        if document.document_id in self._claim.document_ids:
            return  # announced again after a crash, in a later run: the claim has it
        event = self._recorder.event(
            EventType.DOCUMENT_ADDED,
            detail={
                "document_id": str(document.document_id),
                "name": document.name,
                "by": document.by.name,
                **({"kind": document.kind} if document.kind != "text" else {}),
            },
        )
        await self._recorder.write_now([event])
        # Only now: a document whose step is parked must not move the flow on (it waits for
        # documents while awaiting information).
        self._claim.document_added(document.document_id, document.kind)

    async def correct_payee(self, correction: PayeeCorrection) -> None:
        """An update handler's step, like a document: written on its own, then the payment
        (when it comes) pays the corrected account."""
        event = self._recorder.event(
            EventType.PAYEE_CORRECTED,
            detail={"payee": correction.payee, "by": correction.by.name, "note": correction.note},
        )
        await self._recorder.write_now([event])
        self._claim.payee_corrected(correction.payee)

    # --- review -----------------------------------------------------------------------------

    async def escalate(self, sla: timedelta) -> None:
        self._board.escalated()
        waited = int(sla.total_seconds())
        await self._recorder.transition(
            EventType.ESCALATED, detail={"waited_s": waited}, escalated=True, defer=True
        )
        await self._recorder.notify(NotificationKind.REVIEW_ESCALATED, {"waited_s": waited})

    async def record_review(self, review: ReviewInput) -> None:
        approve = review.decision is ReviewDecision.APPROVE
        if approve:
            self._claim.approval_explained(review.message_to_claimant)
        approved = review.approved_amount or self._claim.payable_amount
        self._claim.review_recorded(
            review.decision.value, approved if approve else None, review.adjuster_name
        )
        # Escalation is about the review queue; a review takes the claim out of it.
        was_escalated = self._claim.escalated
        if was_escalated:
            self._board.review_taken()
        # Deferred: the decision's own step (approved, rejected, ...) is written with it.
        await self._recorder.transition(
            EventType.REVIEWED,
            defer=True,
            detail={
                "decision": review.decision.value,
                "approved_amount": str(approved) if approve else None,
                "adjuster": review.adjuster_name,
                "role": review.adjuster_role,
                "note": review.note,
                "message_to_claimant": review.message_to_claimant,
            },
            decision=DecisionRecord(
                outcome=_REVIEW_OUTCOME[review.decision],
                decided_by=DecidedBy.ADJUSTER,
                # The reasons anyone may read: what was written for the claimant, never the
                # internal note (kept in `note`, for staff).
                reasons=[review.message_to_claimant] if review.message_to_claimant else [],
                payable_amount=self._claim.payable_amount,
                approved_amount=approved if approve else None,
                adjuster_name=review.adjuster_name,
                adjuster_role=review.adjuster_role,
                note=review.note,
            ),
            escalated=False if was_escalated else None,
        )

    async def request_review(self, reasons: list[str]) -> None:
        # The review deadline goes with the request: the console orders its queue by it.
        # (Claims recorded before it was written fall back to the API's own SLA.)
        due = self._claim.review_due_at
        detail: dict[str, Any] = {"reasons": reasons}
        if due is not None:
            detail["due_at"] = due.isoformat()
        await self._recorder.transition(
            EventType.REVIEW_REQUESTED, status=ClaimStatus.AWAITING_REVIEW, detail=detail
        )

    async def approve(self, amount: Decimal, *, by: DecidedBy) -> None:
        self._claim.approved(amount)
        await self._recorder.transition(
            EventType.APPROVED,
            status=ClaimStatus.APPROVED,
            detail={"decided_by": by.value, "approved_amount": str(amount)},
            approved_amount=amount,
            defer=True,  # written before the payment starts (with the cancel that stops it)
        )

    async def reject_by_adjuster(self, review: ReviewInput) -> None:
        await self._recorder.transition(
            EventType.REJECTED,
            status=ClaimStatus.REJECTED,
            detail={
                "decided_by": DecidedBy.ADJUSTER.value,
                "note": review.note,
                "message_to_claimant": review.message_to_claimant,
            },
            defer=True,
        )
        # The claimant's e-mail carries the message written for them, never the note.
        await self._recorder.notify(
            NotificationKind.CLAIM_REJECTED, {"message": review.message_to_claimant}
        )

    async def request_information(
        self, review: ReviewInput, *, due_at: dt.datetime | None = None
    ) -> None:
        due = {"due_at": due_at.isoformat()} if due_at else {}
        await self._recorder.transition(
            EventType.INFO_REQUESTED,
            status=ClaimStatus.AWAITING_INFO,
            detail={
                "note": review.note,
                "message_to_claimant": review.message_to_claimant,
                "adjuster": review.adjuster_name,
            }
            | due,
            defer=True,
        )
        await self._recorder.notify(
            NotificationKind.INFORMATION_REQUESTED, {"message": review.message_to_claimant} | due
        )

    async def record_cancellation(self, request: CancelInput) -> None:
        await self._recorder.transition(
            EventType.CANCELLED,
            status=ClaimStatus.CANCELLED,
            detail={"by": request.by.name, "role": request.by.role, "reason": request.reason},
            defer=True,
        )
        await self._recorder.notify(NotificationKind.CLAIM_CANCELLED, {"reason": request.reason})
