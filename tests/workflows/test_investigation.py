"""The investigation loop on the time-skipping server: tools, a question, and every bound.

The model's turns are scripted (tests/workflows/harness.py); the loop, the bounds and the
routing are the workflow's own.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

import contracts as c
from claims.agent import AgentLimits, TurnOutcome
from claims.assessment import ModelAnswer, Recommendation
from claims.lifecycle import ClaimStatus
from tests.workflows.harness import Mocks, calls, claim
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner

APPROVE = {"recommendation": "approve", "confidence": 0.95, "rationale": "ok", "risk_flags": []}
LIMITS = AgentLimits(max_turns=8, max_tool_calls=12, budget_usd=Decimal("0.50"))
PORTAL = c.Actor(name="portal", role="submitter")


def recommend(**answer: object) -> TurnOutcome:
    return calls(("recommend", APPROVE | answer))


def assessed_detail(mocks: Mocks) -> dict[str, object]:
    found = [t for s in mocks.steps for t in s.transitions if t.event_type == "assessed"]
    return found[-1].detail


async def test_the_agent_asks_the_claimant_waits_and_resumes_with_the_answer(
    client: Client,
) -> None:
    report = uuid.uuid4()
    mocks = Mocks(
        agent=LIMITS,
        turns=[
            calls(("prior_claims", {})),
            calls(("ask_claimant", {"question": "Please upload the police report."})),
            calls(("read_document", {"document_id": str(report)})),
            recommend(),
        ],
    )
    async with claim(client, mocks=mocks) as run:
        asked = await run.reaches(ClaimStatus.AWAITING_INFO)
        assert asked.waiting_on == "an answer from the claimant"
        assert len(mocks.turn_requests) == 2  # no turn while the claimant has not answered
        added = c.DocumentAdded(document_id=report, name="police-report.pdf", by=PORTAL)
        await run.update(c.ADD_DOCUMENT_UPDATE, added)
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    events = mocks.events
    assert events[events.index("info_requested") :][:4] == [
        "info_requested",
        "document_added",
        "information_received",
        "assessed",
    ]
    question = next(
        t for s in mocks.steps for t in s.transitions if t.event_type == "info_requested"
    )
    assert question.detail["asked_by"] == "model"
    assert question.detail["message_to_claimant"] == "Please upload the police report."
    assert "information_requested" in mocks.notifications
    # The third turn saw the answer, and the document read by reference only.
    third = mocks.turn_requests[2]
    answered = [s for s in third.steps if s.tool == "ask_claimant"]
    assert str(report) in answered[0].result
    read = [s for s in mocks.turn_requests[3].steps if s.tool == "read_document"]
    assert read[0].document_id == report
    assert [r.call.name for r in mocks.tool_requests] == ["prior_claims", "read_document"]
    investigation = dict(assessed_detail(mocks)["investigation"])  # type: ignore[call-overload]
    steps = investigation.pop("steps")
    assert [s.get("tool") for s in steps if "result" in s] == [
        "prior_claims",
        "ask_claimant",
        "read_document",
    ]
    read_result = next(s for s in steps if s.get("tool") == "read_document")
    assert read_result["document_id"] == str(report)
    assert steps[-1]["calls"][0]["tool"] == "recommend"
    assert investigation == {
        "turns": 4,
        "tool_calls": 3,
        "bad_calls": 0,
        "questions": 1,
        "spent_usd": "0",
        "duplicate_suspected": False,
    }


async def test_an_unanswered_question_ends_at_its_deadline_and_the_agent_goes_on(
    client: Client, time_skipping: WorkflowEnvironment
) -> None:
    limits = LIMITS.model_copy(update={"answer_wait_s": 3 * 86_400})
    mocks = Mocks(
        agent=limits,
        turns=[calls(("ask_claimant", {"question": "The receipt, please?"})), recommend()],
    )
    async with claim(client, mocks=mocks) as run:
        await run.reaches(ClaimStatus.AWAITING_INFO)
        await time_skipping.sleep(timedelta(days=3, hours=1))
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    received = next(
        t for s in mocks.steps for t in s.transitions if t.event_type == "information_received"
    )
    assert received.detail["answered"] is False
    told = [s for s in mocks.turn_requests[1].steps if s.tool == "ask_claimant"]
    assert "did not answer" in told[0].result


async def test_a_model_that_loops_for_ever_is_stopped_at_the_turn_limit(client: Client) -> None:
    mocks = Mocks(agent=LIMITS, turn_model=lambda _: calls(("policy_coverage", {})))
    async with claim(client, mocks=mocks) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
    assert waiting.review_reasons == ["agent_turn_limit"]
    assert len(mocks.turn_requests) == LIMITS.max_turns
    assert len(mocks.tool_requests) == LIMITS.max_turns


async def test_unknown_tools_are_answered_as_errors_counted_up_to_the_call_limit(
    client: Client,
) -> None:
    limits = LIMITS.model_copy(update={"max_tool_calls": 3})
    mocks = Mocks(agent=limits, turn_model=lambda _: calls(("transfer_funds", {"to": "me"})))
    async with claim(client, mocks=mocks) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
    assert waiting.review_reasons == ["agent_tool_call_limit"]
    assert mocks.tool_requests == []  # refused by name in the workflow, never run
    told = [s for s in mocks.turn_requests[-1].steps if s.error]
    assert "there is no tool 'transfer_funds'" in told[0].result
    assert waiting.investigation is not None
    assert waiting.investigation.bad_calls == 3


async def test_a_model_that_answers_garbage_goes_to_a_person_as_invalid_output(
    client: Client,
) -> None:
    garbage = TurnOutcome(invalid_reason="no tool call, and not an answer")
    mocks = Mocks(agent=LIMITS, turn_model=lambda _: garbage)
    async with claim(client, mocks=mocks) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
    assert waiting.review_reasons == ["model_output_invalid"]
    assert len(mocks.turn_requests) == 3
    # Each later turn was told what was wrong with the last.
    assert mocks.turn_requests[1].steps[0].result == "no tool call, and not an answer"


async def test_bad_arguments_are_told_to_the_model_and_it_recovers(client: Client) -> None:
    mocks = Mocks(
        agent=LIMITS,
        turns=[
            calls(("read_document", {"document_id": "not-a-uuid"})),
            calls(("recommend", {"recommendation": "pay it"})),
            recommend(),
        ],
    )
    async with claim(client, mocks=mocks) as run:
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    errors = [s.result for s in mocks.turn_requests[2].steps if s.error]
    assert errors[0].startswith("bad arguments for read_document: document_id")
    assert errors[1].startswith("bad arguments for recommend")
    assert final.investigation is not None
    assert final.investigation.bad_calls == 2


async def test_the_spend_bound_holds_whatever_the_model_wants(client: Client) -> None:
    mocks = Mocks(
        agent=LIMITS,
        turn_cost=Decimal("0.20"),
        turn_model=lambda _: calls(("prior_claims", {})),
    )
    async with claim(client, mocks=mocks) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
    assert waiting.review_reasons == ["agent_budget_spent"]
    assert len(mocks.turn_requests) == 3  # 0.60 spent: no fourth turn


async def test_a_suspected_duplicate_goes_to_a_person_whatever_the_model_says(
    client: Client,
) -> None:
    duplicate = c.ToolResult(
        result='{"earlier_claims": [{"shared_documents": 1}], "duplicate_suspected": true}',
        duplicate_suspected=True,
    )
    mocks = Mocks(
        agent=LIMITS,
        turns=[calls(("prior_claims", {})), recommend()],
        tool_results={"prior_claims": duplicate},
    )
    async with claim(client, mocks=mocks) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
    assert waiting.review_reasons == ["possible_duplicate"]
    assert mocks.payments == []


async def test_a_model_answering_plain_json_is_taken_at_its_word(client: Client) -> None:
    answer = ModelAnswer(
        recommendation=Recommendation.REVIEW, confidence=0.7, rationale="odd", risk_flags=["x"]
    )
    mocks = Mocks(agent=LIMITS, turns=[TurnOutcome(answer=answer)])
    async with claim(client, mocks=mocks) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
    assert waiting.review_reasons == ["model_recommends_review", "model_risk_flags"]


async def test_an_investigation_with_a_question_replays_on_the_code_that_ran_it(
    client: Client,
) -> None:
    """Every turn, tool result and question is in the history: a worker that lost its cache
    rebuilds the claim from it, deterministically, without asking anything again."""
    mocks = Mocks(
        agent=LIMITS,
        turns=[
            calls(("prior_claims", {})),
            calls(("ask_claimant", {"question": "The police report, please."})),
            recommend(),
        ],
    )
    async with claim(client, mocks=mocks) as run:
        await run.reaches(ClaimStatus.AWAITING_INFO)
        added = c.DocumentAdded(document_id=uuid.uuid4(), name="report.pdf", by=PORTAL)
        await run.update(c.ADD_DOCUMENT_UPDATE, added)
        final = await run.result()
        history = await run.handle.fetch_history()
    assert final.status is ClaimStatus.PAID
    replayer = Replayer(
        workflows=[ClaimWorkflow],
        data_converter=client.data_converter,
        workflow_runner=claim_workflow_runner(),
    )
    replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None
    assert len(mocks.turn_requests) == 3


async def test_claims_admitted_without_an_agent_are_assessed_once(client: Client) -> None:
    async with claim(client) as run:
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert run.mocks.turn_requests == []
    assert len(run.mocks.assessments) == 1
    assert final.agent is None
