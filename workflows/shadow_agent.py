"""An investigating shadow candidate: the claim's own loop (workflows/investigation_loop.py) with
the candidate's model, read-only tools, and no question ever put to the claimant.

Its turns are activities on the llm queue (the candidate alone, no fallbacks), its tools the
claims worker's read-only record tools (local activities); `max_questions=0` answers any
`ask_claimant` as refused, so a shadow never contacts anyone. It ends as production's
investigation does (an answer, a bound, no usable model) and is routed by the same function.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

import contracts as c
from claims.agent import AgentLimits, ToolCall
from claims.rules import RiskRule
from workflows import retries
from workflows.calls import run_local, start_remote
from workflows.investigation_loop import (
    NO_ANSWER,
    TurnUnavailableError,
    investigate,
    route_finding,
)

# A shadow never asks the claimant; its other bounds are production's defaults.
SHADOW_LIMITS = AgentLimits(max_questions=0)


class ShadowRuntime:
    def __init__(self, shadow: c.ShadowInput, retry: RetryPolicy, total: timedelta) -> None:
        self._shadow, self._retry, self._total = shadow, retry, total
        self.error: str | None = None

    async def turn(self, inv: c.Investigation) -> c.AgentTurnResult:
        shadow = self._shadow
        try:
            return await start_remote(
                c.AGENT_TURN,
                c.AgentTurnInput(
                    claim_id=shadow.claim_id,
                    facts=shadow.facts,
                    document_ids=shadow.document_ids,
                    steps=inv.steps,
                    turn=inv.turns + 1,
                    prompt_version=shadow.spec.prompt_version,
                    model=shadow.spec.model,
                ),
                task_queue=shadow.llm_task_queue,
                timeout=timedelta(seconds=shadow.llm_timeout_s) + retries.LLM_ATTEMPT_HEADROOM,
                schedule_to_close=self._total,
                heartbeat=retries.LLM_HEARTBEAT_TIMEOUT,
                retry=self._retry,
                summary=f"Shadow turn {inv.turns + 1} by {shadow.spec.model}",
            )
        except ActivityError as err:
            self.error = str(err.cause or err)[:500]
            raise TurnUnavailableError(self.error) from None

    async def tool(self, call: ToolCall) -> c.ToolResult:
        try:
            return await run_local(
                c.RUN_TOOL,
                c.ToolInput(
                    claim_id=self._shadow.claim_id,
                    call=call,
                    policy_number=self._shadow.policy_number,
                    document_ids=self._shadow.document_ids,
                ),
                timeout=retries.TOOL_TIMEOUT,
                retry=retries.TOOL_RETRY,
                summary=f"Shadow tool {call.name[:40]}",
            )
        except ActivityError:
            return c.ToolResult(result="the tool is unavailable right now", error=True)

    async def ask(self, question: str, within: timedelta) -> None:
        return None  # never reached: SHADOW_LIMITS allows no question

    async def read_files(self) -> None:
        return None  # production's assessment reads the claim's files

    def answer(self) -> str:
        return NO_ANSWER

    def now(self) -> datetime:
        return workflow.now()


async def investigated(
    shadow: c.ShadowInput, base: dict[str, object], retry: RetryPolicy, total: timedelta
) -> c.ShadowRecord:
    runtime = ShadowRuntime(shadow, retry, total)
    inv = c.Investigation()
    finding = await investigate(inv, SHADOW_LIMITS, runtime)
    routing = route_finding(
        finding,
        duplicate_suspected=inv.duplicate_suspected,
        payable_amount=shadow.payable_amount,
        auto_approve_limit=shadow.auto_approve_limit,
        min_confidence=shadow.min_confidence,
        risk_rules=[RiskRule(r) for r in shadow.risk_rules],
    )
    answer = finding.answer
    if finding.model is None:
        status = "failed"
    elif answer is None and finding.bound is None:
        status = "invalid"
    else:
        status = "done"
    return c.ShadowRecord(
        **base,
        status=status,
        route=routing.route.value if finding.model is not None else None,
        recommendation=answer.recommendation.value if answer else None,
        confidence=answer.confidence if answer else None,
        rationale=answer.rationale if answer else None,
        risk_flags=answer.risk_flags if answer else [],
        reasons=routing.reasons,
        cost_usd=inv.spent_usd if finding.model is not None else None,
        latency_ms=inv.latency_ms or None,
        error=runtime.error or finding.invalid_reason,
    )
