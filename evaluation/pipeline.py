"""One golden claim through production's own steps: the policy rules, the model call path
(activities/assessment.py's ModelChain: prompt, schema, re-asks, fallbacks), and the routing
(claims/routing.py) with the thresholds the service is configured with."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict
from temporalio.exceptions import ApplicationError

from activities.agent_turn import AgentTurns
from activities.assessment import ModelChain
from activities.document_source import document_lines
from claims.assessment import ClaimFacts, ModelAnswer
from claims.routing import ReviewReason, Route, RoutingDecision, route_claim
from claims.rules import PolicyCheck, check_policy
from contracts import Investigation
from evaluation.agent import DEFAULT_LIMITS, GoldenClaimRuntime, figures_of
from evaluation.documents import model_documents
from evaluation.golden import GoldenClaim
from evaluation.golden import Route as Outcome
from workflows.investigation_loop import investigate, route_finding


class Prediction(BaseModel):
    """What the pipeline did with one claim, for one model and prompt version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str
    model: str
    prompt_version: str
    route: Outcome
    # The rule, routing reasons, risk flags and model rationale: what the answer gave as why.
    reasons: list[str]
    recommendation: str | None = None
    confidence: float | None = None
    rationale: str | None = None
    payable_amount: Decimal
    cost_usd: Decimal = Decimal(0)
    latency_ms: int | None = None
    error: str | None = None
    timed_out: bool = False
    # An investigating candidate's: its turns, tool calls, questions and trajectory.
    turns: int | None = None
    tool_calls: int | None = None
    questions: int | None = None
    trajectory: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Routing:
    """The service's routing thresholds (CLAIMS_AUTO_APPROVE_LIMIT, ..._MIN_CONFIDENCE)."""

    auto_approve_limit: Decimal
    min_confidence: float


def _rejected(base: dict[str, Any], check: PolicyCheck) -> Prediction:
    """A hard rule decided before any model was asked (as in the workflow)."""
    reasons = [str(check.rule), *check.reasons]
    return Prediction(
        **base, route=Outcome.REJECT, reasons=reasons, payable_amount=check.payable_amount
    )


def _routed(
    base: dict[str, Any],
    check: PolicyCheck,
    decision: RoutingDecision,
    answer: ModelAnswer | None,
    **measured: Any,
) -> Prediction:
    """The prediction for a routed claim: the reasons given as the ledger gives them."""
    reasons = [*decision.reasons, *(str(r) for r in check.risk_rules)]
    if answer is not None:
        reasons += [*answer.risk_flags, answer.rationale]
    approved = decision.route is Route.AUTO_APPROVE
    return Prediction(
        **base,
        route=Outcome.AUTO_APPROVE if approved else Outcome.HUMAN_REVIEW,
        reasons=reasons,
        recommendation=answer.recommendation.value if answer else None,
        confidence=answer.confidence if answer else None,
        rationale=answer.rationale if answer else None,
        payable_amount=check.payable_amount,
        **measured,
    )


async def predict(
    row: GoldenClaim,
    chain: ModelChain,
    *,
    model: str,
    prompt_version: str,
    routing: Routing,
    timeout_s: float,
) -> Prediction:
    check = check_policy(row.policy, row.submission)
    base = {"claim": row.id, "model": model, "prompt_version": prompt_version}
    if not check.passed:
        return _rejected(base, check)
    texts, images = model_documents(row)
    facts = ClaimFacts.of(row.submission, row.policy, check.payable_amount, document_lines(texts))
    started = time.monotonic()
    answer = error = None
    timed_out = False
    cost, latency = Decimal(0), None
    unavailable = ReviewReason.ASSESSMENT_UNAVAILABLE
    try:
        async with asyncio.timeout(timeout_s):
            result = await chain.assess(facts, prompt_version=prompt_version, images=images)
        answer, latency = result.answer, result.model.latency_ms
        cost = result.model.cost_usd or cost
        if answer is None:
            unavailable, error = ReviewReason.MODEL_OUTPUT_INVALID, result.invalid_reason
    except TimeoutError:
        timed_out, error = True, f"no answer within {timeout_s:g} s"
    except ApplicationError as failed:
        error = failed.message
    decision = route_claim(
        answer=answer,
        payable_amount=check.payable_amount,
        auto_approve_limit=routing.auto_approve_limit,
        min_confidence=routing.min_confidence,
        risk_rules=check.risk_rules,
        unavailable_reason=unavailable,
    )
    return _routed(
        base,
        check,
        decision,
        answer,
        cost_usd=cost,
        latency_ms=latency if latency is not None else int((time.monotonic() - started) * 1000),
        error=error,
        timed_out=timed_out,
    )


async def investigate_claim(
    row: GoldenClaim,
    turns: AgentTurns,
    *,
    model: str,
    prompt_version: str,
    routing: Routing,
    timeout_s: float,
) -> Prediction:
    """The claim investigated by the workflow's own loop (evaluation/agent.py), then routed by
    the same function as a live claim's investigation."""
    check = check_policy(row.policy, row.submission)
    base = {"claim": row.id, "model": model, "prompt_version": prompt_version}
    if not check.passed:
        return _rejected(base, check)
    facts = ClaimFacts.of(row.submission, row.policy, check.payable_amount)
    runtime = GoldenClaimRuntime(row, facts, prompt_version, timeout_s)
    runtime.turns = turns.with_documents(runtime)
    inv = Investigation()
    started = time.monotonic()
    finding = await investigate(inv, DEFAULT_LIMITS, runtime)
    decision = route_finding(
        finding,
        duplicate_suspected=inv.duplicate_suspected,
        payable_amount=check.payable_amount,
        auto_approve_limit=routing.auto_approve_limit,
        min_confidence=routing.min_confidence,
        risk_rules=check.risk_rules,
    )
    return _routed(
        base,
        check,
        decision,
        finding.answer,
        cost_usd=inv.spent_usd,
        latency_ms=int((time.monotonic() - started) * 1000),
        error=runtime.error or finding.invalid_reason,
        timed_out=runtime.timed_out,
        **figures_of(inv, runtime),
    )
