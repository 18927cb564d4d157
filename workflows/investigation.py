"""The investigation as the claim's workflow runs it: each model turn an activity, each tool a
local activity, the question the request-information path.

Each model turn is an activity on the llm queue; each record tool a local activity on this
worker; a question to the claimant is the request-information path, after which the claim waits
(days) and the loop resumes with the answer. So every turn and every tool result is in the
claim's history, and a replay after any crash asks the model nothing again. The loop itself is
workflows/investigation_loop.py (the evaluation runs the same one); the model only recommends,
routing stays outside it (claims/routing.py), and the bounds send the claim to a person.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

import contracts as c
from claims.agent import AgentLimits, ToolCall
from claims.assessment import ClaimFacts
from workflows import retries
from workflows.bound import BoundToClaim
from workflows.calls import run_local, start_remote
from workflows.investigation_loop import (
    Finding,
    TurnUnavailableError,
    answer_text,
    investigate,
)
from workflows.parking import ClaimCancelledError

__all__ = ["Finding", "Investigator"]


class Investigator(BoundToClaim):
    """One claim's investigations, the loop's runtime in the workflow: `ask` puts a question to
    the claimant and waits for the answer (or the deadline); `read_files` extracts the text of
    files added meanwhile."""

    def __init__(
        self,
        *bound: Any,
        ask: Callable[[str, timedelta], Awaitable[None]],
        read_files: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(*bound)
        self._ask = ask
        self._read_files = read_files
        self._facts: ClaimFacts | None = None
        self._cancel_requested: Callable[[], bool] = lambda: False

    async def investigate(
        self, facts: ClaimFacts, limits: AgentLimits, cancel_requested: Callable[[], bool]
    ) -> Finding:
        self._facts, self._cancel_requested = facts, cancel_requested
        return await investigate(self._claim.investigation_round(), limits, self)

    async def ask(self, question: str, within: timedelta) -> None:
        await self._ask(question, within)

    async def read_files(self) -> None:
        await self._read_files()

    def now(self) -> datetime:
        return workflow.now()

    async def turn(self, inv: c.Investigation) -> c.AgentTurnResult:
        """One model turn on the llm queue, once the claim's steps so far are written."""
        if self._facts is None:
            raise TurnUnavailableError("no claim facts")
        await self._recorder.flush()
        config = self._input.config
        handle = start_remote(
            c.AGENT_TURN,
            c.AgentTurnInput(
                claim_id=self._input.claim_id,
                facts=self._facts,
                document_ids=self._claim.document_ids,
                steps=inv.steps,
                turn=inv.turns + 1,
            ),
            task_queue=config.llm_task_queue,
            timeout=timedelta(seconds=config.llm_timeout_s) + retries.LLM_ATTEMPT_HEADROOM,
            schedule_to_close=retries.LLM_TOTAL_TIMEOUT,
            heartbeat=retries.LLM_HEARTBEAT_TIMEOUT,
            retry=retries.llm_retry(config.llm_max_attempts),
            summary=f"Investigation turn {inv.turns + 1} ({config.llm_model or 'the LLM'})",
        )
        await workflow.wait_condition(lambda: handle.done() or self._cancel_requested())
        if self._cancel_requested() and not handle.done():
            handle.cancel()
            raise ClaimCancelledError
        try:
            return await handle
        except ActivityError as err:
            # No provider behaviour may fail the claim: a human decides instead.
            workflow.logger.warning("investigation turn unavailable: %s", err.cause or err)
            raise TurnUnavailableError(str(err)) from None

    async def tool(self, call: ToolCall) -> c.ToolResult:
        claim = self._claim
        try:
            return await run_local(
                c.RUN_TOOL,
                c.ToolInput(
                    claim_id=self._input.claim_id,
                    call=call,
                    policy_number=self._input.submission.policy_number,
                    document_ids=claim.document_ids,
                ),
                summary=f"Tool {call.name[:40]}",
                timeout=retries.TOOL_TIMEOUT,
                retry=retries.TOOL_RETRY,
            )
        except ActivityError as err:
            workflow.logger.warning("tool %s unavailable: %s", call.name[:40], err.cause or err)
            return c.ToolResult(result="the tool is unavailable right now", error=True)

    def answer(self) -> str:
        """What the claimant sent after the question (their new documents), or that nothing
        came before the deadline."""
        claim = self._claim
        return answer_text(claim.document_ids[claim.documents_before_request :])
