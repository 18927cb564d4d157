"""The investigation loop: model turns and tool calls, driven by the workflow, bounded.

Each model turn is an activity on the llm queue; each record tool a local activity on this
worker; a question to the claimant is the request-information path, after which the claim waits
(days) and the loop resumes with the answer. So every turn and every tool result is in the
claim's history, and a replay after any crash asks the model nothing again. The model only
recommends (through `recommend`); routing stays outside it (claims/routing.py), and the bounds
(claims/agent.py) send the claim to a person, with the reason, instead of looping.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

import contracts as c
from claims.agent import AgentLimits, BadToolCallError, Bound, Tool, ToolCall, answer_of, checked
from claims.assessment import ClaimFacts, ModelAnswer
from claims.decisions import ModelFacts
from workflows import retries
from workflows.bound import BoundToClaim
from workflows.calls import run_local, start_remote
from workflows.parking import ClaimCancelledError

# Replies in a row that are neither a tool call nor an answer, before a person decides.
MAX_INVALID_TURNS = 3
NO_ANSWER = "The claimant did not answer within the time allowed."


@dataclass(frozen=True)
class Finding:
    """How an investigation ended: an answer, or a bound, or no usable model."""

    answer: ModelAnswer | None = None
    model: ModelFacts | None = None
    bound: Bound | None = None
    invalid_reason: str | None = None


class Investigator(BoundToClaim):
    """One claim's investigations: `ask` puts a question to the claimant and waits for the
    answer (or the deadline); `read_files` extracts the text of files added meanwhile."""

    def __init__(
        self,
        *bound: Any,
        ask: Callable[[str, timedelta], Awaitable[None]],
        read_files: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(*bound)
        self.ask = ask
        self.read_files = read_files

    async def investigate(
        self, facts: ClaimFacts, limits: AgentLimits, cancel_requested: Callable[[], bool]
    ) -> Finding:
        claim = self._claim
        inv = claim.investigation_round()
        while True:
            if inv.asked is not None:
                inv.claimant_answered(self._answer())
            bound = inv.bound_reached(limits)
            if bound is not None:
                return Finding(bound=bound, model=inv.model_facts())
            if inv.invalid_in_a_row() >= MAX_INVALID_TURNS:
                return Finding(model=inv.model_facts(), invalid_reason=inv.last_invalid())
            await self.read_files()
            try:
                turn = await self._turn(facts, inv, cancel_requested)
            except ActivityError as err:
                # No provider behaviour may fail the claim: a human decides instead.
                workflow.logger.warning("investigation turn unavailable: %s", err.cause or err)
                return Finding(model=inv.model_facts())
            inv.turn_taken(turn.outcome, turn.model)
            if turn.outcome.answer is not None:
                return Finding(answer=turn.outcome.answer, model=inv.model_facts())
            answer, question = await self._run_calls(inv, turn.outcome.calls, limits)
            if answer is not None:
                return Finding(answer=answer, model=inv.model_facts())
            if question is not None:
                await self.ask(question, timedelta(seconds=limits.answer_wait_s))
            elif not inv.may_call(limits) and turn.outcome.calls:
                return Finding(bound=Bound.TOOL_CALLS, model=inv.model_facts())

    async def _turn(
        self, facts: ClaimFacts, inv: c.Investigation, cancel_requested: Callable[[], bool]
    ) -> c.AgentTurnResult:
        """One model turn on the llm queue, once the claim's steps so far are written."""
        await self._recorder.flush()
        config = self._input.config
        handle = start_remote(
            c.AGENT_TURN,
            c.AgentTurnInput(
                claim_id=self._input.claim_id,
                facts=facts,
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
        await workflow.wait_condition(lambda: handle.done() or cancel_requested())
        if cancel_requested() and not handle.done():
            handle.cancel()
            raise ClaimCancelledError
        return await handle

    async def _run_calls(
        self, inv: c.Investigation, calls: list[ToolCall], limits: AgentLimits
    ) -> tuple[ModelAnswer | None, str | None]:
        """Run a turn's calls in order: the answer if one recommends, else a question to ask.

        Every call is answered in the transcript (a model expects a result for each); one past
        the tool-call bound is not run."""
        question: str | None = None
        for call in calls:
            if not inv.may_call(limits):
                refused = c.ToolResult(result="not run: the tool-call limit is reached", error=True)
                inv.tool_answered(call, refused, counted=False)
                continue
            try:
                tool, args = checked(call)
                if tool is Tool.RECOMMEND:
                    return answer_of(call), None
                if tool is Tool.ASK_CLAIMANT:
                    if question is not None or inv.questions >= limits.max_questions:
                        raise BadToolCallError("no more questions: decide with what you have")
                    question = args["question"]
                    due = workflow.now() + timedelta(seconds=limits.answer_wait_s)
                    inv.claimant_asked(call, due_at=due)
                    continue
            except BadToolCallError as exc:
                inv.tool_answered(call, c.ToolResult(result=str(exc), error=True))
                continue
            inv.tool_answered(call, await self._tool(call))
        return None, question

    async def _tool(self, call: ToolCall) -> c.ToolResult:
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

    def _answer(self) -> str:
        """What the claimant sent after the question (their new documents), or that nothing
        came before the deadline."""
        claim = self._claim
        added = claim.document_ids[claim.documents_before_request :]
        if not added:
            return NO_ANSWER
        listed = ", ".join(str(d) for d in added)
        return f"The claimant answered with {len(added)} document(s): {listed}."
