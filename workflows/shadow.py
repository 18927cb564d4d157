"""Shadow assessments: a candidate model assesses a live claim beside production, durably, and
never touches the claim.

Each shadow is a child workflow the claim starts with an ABANDON parent-close policy, rather
than an activity the claim does not await. A child outlives its claim (an auto-approved claim
is paid in seconds; a slow candidate may take minutes), has its own history in the Web UI, and
owns its retries and timeouts: when the llm worker is killed mid-call, Temporal retries the
activity on another, as for production, and the result is still recorded. The claim awaits
only the child's start, never its end; nothing the child does can fail, delay or reroute it.

The steps: check the candidate's spend today against CLAIMS_LLM_SHADOW_BUDGET_USD (a local
activity); assess on the llm queue with the candidate's model and prompt (bounded attempts);
route the answer with the claim's own thresholds; record the outcome (done, invalid, failed,
timed_out or over_budget) in `shadow_assessment` (a local activity), once per claim, round and
candidate.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from temporalio import workflow
from temporalio.common import RetryPolicy, VersioningBehavior
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

import contracts as c
from claims.lifecycle import ErrorType
from claims.routing import ReviewReason, route_claim
from claims.rules import RiskRule
from contracts import SHADOW_WORKFLOW_NAME
from workflows import retries
from workflows.shadow_agent import SHADOW_LIMITS, investigated

# A shadow is evidence, not a decision: a few attempts, then it is recorded as failed.
SHADOW_MAX_ATTEMPTS = 3
SHADOW_TOTAL_TIMEOUT = timedelta(minutes=10)
SHADOW_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_attempts=SHADOW_MAX_ATTEMPTS,
    non_retryable_error_types=retries.llm_retry(1).non_retryable_error_types,
)
# Its own Postgres steps retry like the claim's, but bounded (a day): an outage longer than that
# loses the shadow's row, never a claim's.
SHADOW_DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)
SHADOW_DB_DEADLINE = timedelta(days=1)


def _reported_cost(cause: BaseException | None) -> Decimal | None:
    """What the failed attempt's calls cost, when the provider reported it (the assessment
    puts it in its error's details); the budget counts it."""
    details = cause.details if isinstance(cause, ApplicationError) else ()
    cost = details[0].get("cost_usd") if details and isinstance(details[0], dict) else None
    return Decimal(str(cost)) if cost else None


@workflow.defn(name=SHADOW_WORKFLOW_NAME, versioning_behavior=VersioningBehavior.PINNED)
class ShadowAssessmentWorkflow:
    @workflow.run
    async def run(self, shadow: c.ShadowInput) -> str:
        spec = shadow.spec
        base = {
            "claim_id": shadow.claim_id,
            "round": shadow.round,
            "model": spec.model,
            # An investigating candidate's rows and spend are its own (`<version>+agent`).
            "prompt_version": spec.label,
        }
        # Its Postgres steps are local activities (on this worker, recorded as markers): a
        # shadow costs the server its model call, not three round trips.
        within = await workflow.execute_local_activity(
            c.RESERVE_SHADOW.name,
            c.ShadowBudgetInput(
                model=spec.model,
                claim_id=shadow.claim_id,
                round=shadow.round,
                prompt_version=spec.label,
                calls=SHADOW_LIMITS.max_turns if spec.agent else 1,
            ),
            result_type=c.RESERVE_SHADOW.result_type,
            start_to_close_timeout=retries.DB_TIMEOUT,
            schedule_to_close_timeout=SHADOW_DB_DEADLINE,
            retry_policy=SHADOW_DB_RETRY,
        )
        if not within:
            record = c.ShadowRecord(**base, status="over_budget")
        elif spec.agent:
            record = await investigated(shadow, base, SHADOW_RETRY, SHADOW_TOTAL_TIMEOUT)
        else:
            record = await self._assess(shadow, base)
        await workflow.execute_local_activity(
            c.WRITE_SHADOW.name,
            record,
            start_to_close_timeout=retries.DB_TIMEOUT,
            schedule_to_close_timeout=SHADOW_DB_DEADLINE,
            retry_policy=SHADOW_DB_RETRY,
        )
        return record.status

    async def _assess(self, shadow: c.ShadowInput, base: dict[str, object]) -> c.ShadowRecord:
        try:
            result = await workflow.execute_activity(
                c.ASSESS.name,
                c.AssessmentInput(
                    claim_id=shadow.claim_id,
                    facts=shadow.facts,
                    document_ids=shadow.document_ids,
                    model=shadow.spec.model,
                    prompt_version=shadow.spec.prompt_version,
                ),
                result_type=c.ASSESS.result_type,
                task_queue=shadow.llm_task_queue,
                start_to_close_timeout=timedelta(seconds=shadow.llm_timeout_s)
                + retries.LLM_ATTEMPT_HEADROOM,
                schedule_to_close_timeout=SHADOW_TOTAL_TIMEOUT,
                heartbeat_timeout=retries.LLM_HEARTBEAT_TIMEOUT,
                retry_policy=SHADOW_RETRY,
                summary=f"Shadow assessment by {shadow.spec.model}",
            )
        except ActivityError as err:
            cause = err.cause
            timed_out = isinstance(cause, TimeoutError) or (
                isinstance(cause, ApplicationError) and cause.type == ErrorType.MODEL_TIMED_OUT
            )
            return c.ShadowRecord(
                **base,
                status="timed_out" if timed_out else "failed",
                error=str(err.cause or err)[:500],
                cost_usd=_reported_cost(cause),
            )
        answer = result.answer
        routing = route_claim(
            answer=answer,
            payable_amount=shadow.payable_amount,
            auto_approve_limit=shadow.auto_approve_limit,
            min_confidence=shadow.min_confidence,
            risk_rules=[RiskRule(r) for r in shadow.risk_rules],
            unavailable_reason=ReviewReason.MODEL_OUTPUT_INVALID,
        )
        return c.ShadowRecord(
            **base,
            status="done" if answer is not None else "invalid",
            route=routing.route.value,
            recommendation=answer.recommendation.value if answer else None,
            confidence=answer.confidence if answer else None,
            rationale=answer.rationale if answer else None,
            risk_flags=answer.risk_flags if answer else [],
            reasons=routing.reasons,
            cost_usd=result.model.cost_usd,
            latency_ms=result.model.latency_ms,
            error=result.invalid_reason,
        )
