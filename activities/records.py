"""Postgres activities of the claims worker: the only writers of claim state."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities import contracts as c
from activities.failures import classified
from claims.rules import check_policy
from infra.store import claims as claim_store
from infra.store import notifications, policies


class RecordActivities:
    """Activities bound to one engine; the worker builds this with its dependencies."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name=c.RECORD_SUBMISSION)
    async def record_submission(self, record: c.SubmissionRecord) -> None:
        """Create the claim row and its `submitted` event (idempotent)."""
        async with classified(c.RECORD_SUBMISSION), self._engine.begin() as conn:
            await claim_store.record_submission(
                conn=conn,
                claim_id=record.claim_id,
                workflow_id=record.workflow_id,
                submission=record.submission,
                submitted_at=record.submitted_at,
                submitted_by=record.submitted_by,
            )

    @activity.defn(name=c.CHECK_POLICY)
    async def check_policy(self, request: c.PolicyCheckInput) -> c.PolicyCheckResult:
        """Load the policy and apply the hard and risk rules (read-only)."""
        async with classified(c.CHECK_POLICY):
            async with self._engine.connect() as conn:
                policy = await policies.get(
                    conn=conn, policy_number=request.submission.policy_number
                )
            return c.PolicyCheckResult(
                check=check_policy(policy, request.submission), policy=policy
            )

    @activity.defn(name=c.RECORD_TRANSITION)
    async def record_transition(self, transition: c.TransitionInput) -> None:
        """Write one step: audit event, optional decision, claim row (idempotent)."""
        async with classified(c.RECORD_TRANSITION), self._engine.begin() as conn:
            await claim_store.apply_transition(
                conn=conn,
                claim_id=transition.claim_id,
                step=transition.step,
                event_type=transition.event_type,
                at=transition.at,
                detail=transition.detail,
                status=transition.status,
                payable_amount=transition.payable_amount,
                approved_amount=transition.approved_amount,
                escalated=transition.escalated,
                decision=transition.decision,
            )
        # Ids and event names only: claimant data never goes to the logs.
        activity.logger.info(
            "recorded %s (step %d, status %s)",
            transition.event_type,
            transition.step,
            transition.status or "unchanged",
        )

    @activity.defn(name=c.NOTIFY)
    async def notify(self, message: c.NotificationInput) -> None:
        """Queue a notification in the outbox (idempotent per step)."""
        async with classified(c.NOTIFY), self._engine.begin() as conn:
            await notifications.enqueue(
                conn=conn,
                claim_id=message.claim_id,
                step=message.step,
                kind=message.kind,
                payload=message.payload,
            )
