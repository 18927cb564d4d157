"""The investigation's activities: a model turn on the llm queue, a tool on the claims worker.

Data definitions only (the transcript's own types are the domain's: claims/agent.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict

from claims.agent import AgentLimits, Bound, Step, ToolCall, TurnOutcome, transcript_summary
from claims.assessment import ClaimFacts
from claims.decisions import ModelFacts
from contracts.base import Contract


class AgentTurnInput(Contract):
    """One model turn: the claim, and the transcript so far (documents by reference)."""

    claim_id: uuid.UUID
    facts: ClaimFacts
    document_ids: list[uuid.UUID] = []
    steps: list[Step] = []
    turn: int
    prompt_version: str | None = None
    # A shadow's candidate (alone, no fallbacks); production's turns leave it to the worker.
    model: str | None = None


class AgentTurnResult(Contract):
    outcome: TurnOutcome
    model: ModelFacts


class ToolInput(Contract):
    """One tool call of a claim, already checked by name and arguments."""

    claim_id: uuid.UUID
    call: ToolCall
    policy_number: str
    document_ids: list[uuid.UUID] = []


class ToolResult(Contract):
    """What the model is told: short text, or a document by reference; `error` when refused."""

    result: str = ""
    document_id: uuid.UUID | None = None
    error: bool = False
    # prior_claims: an earlier claim looks like this one (a guardrail outside the model).
    duplicate_suspected: bool = False


class Investigation(Contract):
    """One claim's investigation so far: counted per claim, the transcript per assessment.

    Part of the claim's state (mutable like it): the workflow alone changes it."""

    model_config = ConfigDict(frozen=False)

    turns: int = 0
    tool_calls: int = 0
    bad_calls: int = 0
    questions: int = 0
    spent_usd: Decimal = Decimal(0)
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
    # The model of the last turn, for the decision ledger.
    model: str | None = None
    prompt_version: str | None = None
    steps: list[Step] = []
    # The ask_claimant call waiting for the claimant (answered when the claim resumes).
    asked: ToolCall | None = None
    answer_due_at: dt.datetime | None = None
    duplicate_suspected: bool = False

    # --- what happened: the only writes (the workflow never assigns a field) ----------------

    def round_started(self) -> None:
        """A new assessment: a fresh transcript; the counts and the spend stay the claim's."""
        self.steps = []
        self.asked, self.answer_due_at = None, None
        self.duplicate_suspected = False

    def turn_taken(self, outcome: TurnOutcome, model: ModelFacts) -> None:
        self.turns += 1
        self.spent_usd += model.cost_usd
        self.input_tokens += model.input_tokens
        self.output_tokens += model.output_tokens
        self.latency_ms += model.latency_ms
        self.model, self.prompt_version = model.name, model.prompt_version
        if outcome.calls or outcome.answer is None:
            self.steps.append(
                Step(turn=self.turns, calls=outcome.calls, result=outcome.invalid_reason or "")
            )

    def tool_answered(self, call: ToolCall, result: ToolResult, *, counted: bool = True) -> None:
        if counted:
            self.tool_calls += 1
        if result.error:
            self.bad_calls += 1
        self.duplicate_suspected = self.duplicate_suspected or result.duplicate_suspected
        self.steps.append(
            Step(
                turn=self.turns,
                call_id=call.call_id,
                tool=call.name,
                result=result.result,
                document_id=result.document_id,
                error=result.error,
            )
        )

    def claimant_asked(self, call: ToolCall, due_at: dt.datetime) -> None:
        self.tool_calls += 1
        self.questions += 1
        self.asked, self.answer_due_at = call, due_at

    def claimant_answered(self, answer: str) -> None:
        call, self.asked, self.answer_due_at = self.asked, None, None
        if call is not None:
            self.tool_answered(call, ToolResult(result=answer), counted=False)

    def model_facts(self) -> ModelFacts | None:
        """The whole investigation as one ledger entry: tokens, cost and time summed."""
        if self.model is None:
            return None
        return ModelFacts(
            name=self.model,
            prompt_version=self.prompt_version or "",
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=self.spent_usd,
            latency_ms=self.latency_ms,
            attempts=self.turns,
        )

    def audit_detail(self) -> dict[str, Any]:
        """The investigation so far as the audit trail keeps it (staff only: views.py)."""
        return {
            "turns": self.turns,
            "tool_calls": self.tool_calls,
            "bad_calls": self.bad_calls,
            "questions": self.questions,
            "spent_usd": str(self.spent_usd),
            "duplicate_suspected": self.duplicate_suspected,
            "steps": transcript_summary(self.steps),
        }

    def invalid_in_a_row(self) -> int:
        """Model turns at the end of the transcript that were neither calls nor an answer."""
        count = 0
        for step in reversed(self.steps):
            if step.call_id is not None or step.calls:
                break
            count += 1
        return count

    def last_invalid(self) -> str:
        return next((s.result for s in reversed(self.steps) if not s.calls), "")

    def answer_left(self, now: dt.datetime) -> timedelta | None:
        """What is left of a pending question's wait (None when no question is pending)."""
        if self.asked is None or self.answer_due_at is None:
            return None
        return max(self.answer_due_at - now, timedelta(0))

    def bound_reached(self, limits: AgentLimits) -> Bound | None:
        """A bound that forbids another model turn, if any (then a person decides)."""
        if self.spent_usd >= limits.budget_usd:
            return Bound.BUDGET
        if self.turns >= limits.max_turns:
            return Bound.TURNS
        return None

    def may_call(self, limits: AgentLimits) -> bool:
        return self.tool_calls < limits.max_tool_calls
