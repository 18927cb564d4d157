"""Postgres activities of the claims worker: the only writers of claim state."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

import contracts as c
from activities.failures import classified
from claims.agent import AgentLimits
from claims.assessment import ShadowSpec
from claims.models import ClaimSubmission
from claims.rules import check_policy
from infra.store import claims as claim_store
from infra.store import notifications, policies

# Told, after a commit, how many webhook deliveries and e-mails the step queued: the worker
# wakes the outbox dispatchers with it, so an idle dispatcher needs no polling. It must not
# block (a signal is sent beside the activity, never awaited by it).
OutboxWake = Callable[[int, int], None]


def _no_wake(webhooks: int, emails: int) -> None:
    return None


def in_sample(claim_id: uuid.UUID, share: float) -> bool:
    """Whether a claim falls in a sample of `share` of all claims: by its id, so every attempt
    of its admit step (and every worker) answers the same."""
    position = int(hashlib.sha256(claim_id.bytes).hexdigest()[:8], 16) / 0x1_0000_0000
    return position < share


class RecordActivities:
    """Activities bound to one engine; the worker builds this with its dependencies."""

    def __init__(
        self,
        engine: AsyncEngine,
        wake: OutboxWake | None = None,
        shadows: Sequence[ShadowSpec] = (),
        shadow_sample: float = 1.0,
        agent: AgentLimits | None = None,
    ) -> None:
        self._engine = engine
        self._wake = wake or _no_wake
        # This worker's shadow candidates (CLAIMS_LLM_SHADOW_MODELS), told to each claim it
        # admits (a sample of them): recorded in the claim's history, so replay takes the same
        # path.
        self._shadows = list(shadows)
        self._shadow_sample = shadow_sample
        # This worker's investigation bounds (CLAIMS_AGENT_*), recorded in each claim it admits.
        self._agent = agent

    @activity.defn(name=c.ADMIT.name)
    async def admit_claim(self, record: c.SubmissionRecord) -> c.PolicyCheckResult:
        """Create the claim row and its `submitted` event, and check the claim against its policy.

        One transaction. Idempotent (one row per claim id): a retry writes nothing twice; the
        check only reads.
        """
        async with classified(c.ADMIT.name), self._engine.begin() as conn:
            queued = await claim_store.record_submission(conn=conn, record=record)
            result = await _check_policy(conn, record.submission)
        self._wake(queued, 0)
        if self._agent is not None:
            result = result.model_copy(update={"agent": self._agent})
        if self._shadows and in_sample(record.claim_id, self._shadow_sample):
            return result.model_copy(update={"shadows": self._shadows})
        return result

    @activity.defn(name=c.WRITE_STEPS.name)
    async def record_steps(self, steps: c.StepsInput) -> None:
        """Write consecutive steps (events, row moves, notifications) in one transaction.

        What one workflow task decided is recorded at once: all of it or none, each part
        idempotent by its step, so a retry after a commit the worker never heard of is a no-op.
        """
        webhooks = emails = 0
        async with classified(c.WRITE_STEPS.name), self._engine.begin() as conn:
            for transition in steps.transitions:
                webhooks += await claim_store.apply_transition(conn=conn, transition=transition)
            for message in steps.notifications:
                emails += await notifications.enqueue(conn=conn, notice=message)
        self._wake(webhooks, emails)
        for transition in steps.transitions:
            _log_transition(transition)


async def _check_policy(conn: AsyncConnection, submission: ClaimSubmission) -> c.PolicyCheckResult:
    policy = await policies.get(conn=conn, policy_number=submission.policy_number)
    return c.PolicyCheckResult(check=check_policy(policy, submission), policy=policy)


def _log_transition(transition: c.TransitionInput) -> None:
    # Ids and event names only: claimant data never goes to the logs.
    activity.logger.info(
        "recorded %s (step %d, status %s)",
        transition.event_type,
        transition.step,
        transition.status or "unchanged",
    )
