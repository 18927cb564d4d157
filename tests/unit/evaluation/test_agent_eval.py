"""The evaluation investigates as a claim does: the same loop, turn code and routing, with a
simulated claimant who sends what the row carries, or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from activities.agent_turn import AgentTurns
from activities.assessment import LlmConfig, ModelChain
from evaluation.golden import GoldenClaim, GoldenDocument, load
from evaluation.pipeline import Routing, investigate_claim, predict
from evaluation.report import investigation_figures

GOLDEN = Path(__file__).resolve().parents[3] / "evaluation" / "dataset" / "claims.jsonl"
ROUTING = Routing(auto_approve_limit=Decimal("5000"), min_confidence=0.9)
OFFLINE = "offline/claims-assessor"


def row(claim_id: str) -> GoldenClaim:
    return next(r for r in load(GOLDEN) if r.id == claim_id)


async def investigated(claim: GoldenClaim):
    return await investigate_claim(
        claim,
        AgentTurns(LlmConfig(model=OFFLINE)),
        model=OFFLINE,
        prompt_version="8c7644621288",
        routing=ROUTING,
        timeout_s=10,
    )


async def test_a_theft_without_a_report_is_asked_about_and_unanswered_goes_to_a_person() -> None:
    # A car stolen, no police report; this claimant sends nothing when asked.
    theft = row("red_flags-013").model_copy(update={"claimant_answer": None})
    predicted = await investigated(theft)
    assert predicted.route.value == "human_review"
    assert predicted.questions == 1
    tools = [step.get("tool") for step in predicted.trajectory or [] if "result" in step]
    assert tools == ["prior_claims", "ask_claimant"]


async def test_a_claimant_who_sends_the_report_gets_the_claim_approved() -> None:
    report = GoldenDocument(name="police-report.txt", text="Police report 2026/118 filed.")
    answered = row("red_flags-013").model_copy(update={"claimant_answer": report})
    predicted = await investigated(answered)
    assert predicted.route.value == "auto_approve"
    tools = [step.get("tool") for step in predicted.trajectory or [] if "result" in step]
    assert tools == ["prior_claims", "ask_claimant", "read_document"]
    assert predicted.turns == 4


async def test_a_claims_documents_are_read_and_without_an_answer_it_decides_as_one_shot() -> None:
    claim = row("documents-001")
    agent = await investigated(claim)
    once = await predict(
        claim,
        ModelChain(LlmConfig(model=OFFLINE)),
        model=OFFLINE,
        prompt_version="8c7644621288",
        routing=ROUTING,
        timeout_s=10,
    )
    assert agent.route == once.route
    tools = [step.get("tool") for step in agent.trajectory or [] if "result" in step]
    assert tools[:2] == ["prior_claims", "read_document"]
    figures = investigation_figures([agent, once])  # the one-shot prediction is not counted
    assert figures["claims"] == 1
    assert figures["turns_per_claim"] == agent.turns
    assert figures["question_share"] == (1.0 if agent.questions else 0.0)
