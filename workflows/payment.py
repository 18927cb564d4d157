"""Paying a claim: a saga whose refused payment is compensated, and a human decides again."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from temporalio.exceptions import ActivityError, ApplicationError

import contracts as c
from claims.lifecycle import ClaimStatus, ErrorType, EventType, NotificationKind
from workflows import retries
from workflows.bound import BoundToClaim
from workflows.calls import start_remote


class PaymentRefusedError(Exception):
    """The rail refused the payment for a business reason (retrying cannot help)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PaymentSteps(BoundToClaim):
    """Pay through the rail (idempotent by claim and attempt), or compensate a refusal."""

    async def pay_approved(self, checkpoint: Callable[[], None]) -> bool:
        """Pay the approved amount; False when the rail refused and the reservation was released.

        `checkpoint` raises if a cancel is waiting: the last moment the claim can still take one.
        """
        amount = self._claim.approved_amount
        if amount is None:  # pragma: no cover - every path here went through an approval
            raise ApplicationError("payment without an approved amount", non_retryable=True)
        # The approval is written before the claim commits to paying: a claim parked on it can
        # still be cancelled, as one parked on an earlier step can. Its status shows in
        # visibility as `paying` a moment later: one visibility write on the server, not two.
        await self._recorder.flush(publish_status=False)
        checkpoint()
        self._claim.committed_to(ClaimStatus.PAYING)
        try:
            await self.pay(amount)
        except PaymentRefusedError as refused:
            await self.compensate_payment(refused.reason)
            return False
        return True

    async def pay(self, amount: Decimal) -> c.PaymentResult:
        """Pay through the rail; raise PaymentRefusedError when the rail refuses the payee."""
        submission = self._input.submission
        attempt = self._claim.payment_started()
        await self._recorder.transition(
            EventType.PAYMENT_STARTED,
            status=ClaimStatus.PAYING,
            detail={
                "amount": str(amount),
                "currency": submission.currency,
                "attempt": attempt,
            },
        )
        self._board.wait_on("payment")
        summary = f"Pay {amount} {submission.currency}"
        # Idempotent by (claim, attempt): a retried payment lands on the same payment.
        request = c.PaymentInput(
            claim_id=self._input.claim_id,
            attempt=attempt,
            amount=amount,
            currency=submission.currency,
            # The corrected account when there is one (after the bank refused the claimant's).
            payee=self._claim.payee or submission.claimant.email,
        )
        retry = retries.payment_retry(self._input.config.step_alert_attempts)
        try:
            payment = await self._recorder.until_done(
                c.PAY,
                summary,
                lambda _: start_remote(
                    c.PAY, request, summary=summary, timeout=retries.PAYMENT_TIMEOUT, retry=retry
                ),
                resume=ClaimStatus.PAYING,
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == ErrorType.PAYMENT_REFUSED:
                raise PaymentRefusedError(cause.message) from err
            raise
        finally:
            self._board.wait_on(None)
        await self._recorder.transition(
            EventType.PAID,
            status=ClaimStatus.PAID,
            defer=True,
            detail={
                "payment_id": str(payment.payment_id),
                "amount": str(payment.amount),
                "currency": payment.currency,
                "rail_reference": payment.rail_reference,
            },
        )
        await self._recorder.notify(
            NotificationKind.CLAIM_PAID,
            # The approving adjuster's message (why a payment is partial), never their note.
            {
                "amount": str(payment.amount),
                "currency": payment.currency,
                "message": self._claim.approval_message,
            },
        )
        return payment

    async def compensate_payment(self, reason: str) -> None:
        """Release the refused attempt's reservation, then withdraw the approval it paid."""
        summary = "Release the refused payment's reservation"
        release = c.ReleaseInput(
            claim_id=self._input.claim_id, attempt=self._claim.payment_attempts, reason=reason
        )
        await self._recorder.db_step(c.RELEASE, release, summary, resume=self._claim.status)
        self._claim.approval_withdrawn()
        await self._recorder.transition(
            EventType.PAYMENT_FAILED,
            detail={"reason": reason, "attempt": self._claim.payment_attempts},
            clear_approved_amount=True,
        )
