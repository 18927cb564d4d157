"""The investigation loop itself, apart from where it runs.

The claim's workflow runs it with activities (workflows/investigation.py); `claims eval --agent`
runs the same loop with the same turn code and in-memory tools (evaluation/agent.py), so an
evaluation measures exactly the loop the claims get: its order, its bounds, its refusals. No
Temporal import here: a `Runtime` does the turn, the tools, the question and the clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

import contracts as c
from claims.agent import AgentLimits, BadToolCallError, Bound, Tool, ToolCall, answer_of, checked
from claims.assessment import ModelAnswer
from claims.decisions import ModelFacts
from claims.routing import ReviewReason, Route, RoutingDecision, route_claim
from claims.rules import RiskRule

# Replies in a row that are neither a tool call nor an answer, before a person decides.
MAX_INVALID_TURNS = 3
NO_ANSWER = "The claimant did not answer within the time allowed."


BOUND_REASONS = {
    Bound.TURNS: ReviewReason.AGENT_TURN_LIMIT,
    Bound.TOOL_CALLS: ReviewReason.AGENT_TOOL_CALL_LIMIT,
    Bound.BUDGET: ReviewReason.AGENT_BUDGET_SPENT,
}


def answer_text(added: list[uuid.UUID]) -> str:
    """What the model is told the claimant sent after its question."""
    if not added:
        return NO_ANSWER
    listed = ", ".join(str(d) for d in added)
    return f"The claimant answered with {len(added)} document(s): {listed}."


class TurnUnavailableError(Exception):
    """No model answered this turn (every attempt spent): a person decides instead."""


@dataclass(frozen=True)
class Finding:
    """How an investigation ended: an answer, or a bound, or no usable model."""

    answer: ModelAnswer | None = None
    model: ModelFacts | None = None
    bound: Bound | None = None
    invalid_reason: str | None = None


class Runtime(Protocol):
    async def turn(self, inv: c.Investigation) -> c.AgentTurnResult:
        """One model turn on the transcript so far; raises TurnUnavailableError."""
        ...

    async def tool(self, call: ToolCall) -> c.ToolResult:
        """One record tool, its call already checked; never raises."""
        ...

    async def ask(self, question: str, within: timedelta) -> None:
        """Put the question to the claimant; return once answered or `within` passed."""
        ...

    async def read_files(self) -> None:
        """Extract the text of files the claim received since the last turn."""
        ...

    def answer(self) -> str:
        """What the claimant sent after the question (or NO_ANSWER)."""
        ...

    def now(self) -> datetime: ...


async def investigate(inv: c.Investigation, limits: AgentLimits, runtime: Runtime) -> Finding:
    """Turns and tools until the model recommends or a bound stops it."""
    while True:
        if inv.asked is not None:
            inv.claimant_answered(runtime.answer())
        bound = inv.bound_reached(limits)
        if bound is not None:
            return Finding(bound=bound, model=inv.model_facts())
        if inv.invalid_in_a_row() >= MAX_INVALID_TURNS:
            return Finding(model=inv.model_facts(), invalid_reason=inv.last_invalid())
        await runtime.read_files()
        try:
            turn = await runtime.turn(inv)
        except TurnUnavailableError:
            return Finding(model=inv.model_facts())
        inv.turn_taken(turn.outcome, turn.model)
        if turn.outcome.answer is not None:
            return Finding(answer=turn.outcome.answer, model=inv.model_facts())
        answer, question = await _run_calls(inv, turn.outcome.calls, limits, runtime)
        if answer is not None:
            return Finding(answer=answer, model=inv.model_facts())
        if question is not None:
            await runtime.ask(question, timedelta(seconds=limits.answer_wait_s))
        elif not inv.may_call(limits) and turn.outcome.calls:
            return Finding(bound=Bound.TOOL_CALLS, model=inv.model_facts())


async def _run_calls(
    inv: c.Investigation, calls: list[ToolCall], limits: AgentLimits, runtime: Runtime
) -> tuple[ModelAnswer | None, str | None]:
    """Run a turn's calls in order: the answer if one recommends, else a question to ask.

    Every call is answered in the transcript (a model expects a result for each); one past the
    tool-call bound is not run."""
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
                due = runtime.now() + timedelta(seconds=limits.answer_wait_s)
                inv.claimant_asked(call, due_at=due)
                continue
        except BadToolCallError as exc:
            inv.tool_answered(call, c.ToolResult(result=str(exc), error=True))
            continue
        inv.tool_answered(call, await runtime.tool(call))
    return None, question


def route_finding(
    finding: Finding,
    *,
    duplicate_suspected: bool,
    payable_amount: Decimal,
    auto_approve_limit: Decimal,
    min_confidence: float,
    risk_rules: list[RiskRule],
) -> RoutingDecision:
    """The route after an investigation: a bound sends the claim to a person with its reason;
    otherwise the one routing of every assessment (claims/routing.py)."""
    if finding.bound is not None:
        return RoutingDecision(route=Route.HUMAN_REVIEW, reasons=[BOUND_REASONS[finding.bound]])
    return route_claim(
        answer=finding.answer,
        payable_amount=payable_amount,
        auto_approve_limit=auto_approve_limit,
        min_confidence=min_confidence,
        risk_rules=risk_rules,
        unavailable_reason=ReviewReason.MODEL_OUTPUT_INVALID
        if finding.invalid_reason
        else ReviewReason.ASSESSMENT_UNAVAILABLE,
        duplicate_suspected=duplicate_suspected,
    )
