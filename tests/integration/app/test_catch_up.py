"""A review that meets a workflow still catching up with its own row: 409 with Retry-After.

Postgres steps run as local activities, so after a crash the row can show a step the replaying
workflow has not re-run yet. The row is put ahead here by hand, the way a killed worker leaves
it, while the claim really waits in assessment for an llm worker that is not there yet. The
API answers at once and says when to ask again; it never re-sends behind the caller's back.
"""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.assessment import LlmConfig
from activities.document_source import PostgresDocuments
from infra.tables import claim
from tests.support.api import TERMINAL, create_policy, review, submit, wait_for_claim
from tests.support.stack import Stack, StackFactory
from tools import samples as f
from tools.waiting import wait_for
from workers.llm_worker import build_llm_worker


async def _assessing_with_row_ahead(stack: Stack) -> str:
    """A claim waiting on the llm queue whose row already says awaiting_review."""
    number = await create_policy(stack.http)
    # A red-flag description always goes to an adjuster.
    submitted = await submit(stack.http, number, description=f.RED_FLAG_DESCRIPTION)
    claim_id: str = submitted["claim_id"]
    await wait_for_claim(stack.http, claim_id, {"assessing"})
    async with stack.engine.begin() as conn:
        await conn.execute(
            sa.update(claim)
            .where(claim.c.claim_id == uuid.UUID(claim_id))
            .values(status="awaiting_review")
        )
    return claim_id


async def test_a_review_ahead_of_the_workflow_is_told_to_come_back_and_then_taken(
    make_stack: StackFactory, engine: AsyncEngine
):
    async with make_stack(llm_worker=False) as stack:
        claim_id = await _assessing_with_row_ahead(stack)
        early = await review(stack.http, claim_id, decision="approve")
        assert early.status_code == 409, early.text
        assert early.headers["Retry-After"] == "1"
        assert "catching up" in early.json()["detail"]
        settings = stack.settings
        llm = LlmConfig(model=settings.llm_model, timeout_s=settings.llm_timeout_s)
        worker = build_llm_worker(
            stack.client,
            config=llm,
            task_queue=settings.llm_task_queue,
            documents=PostgresDocuments(engine),
        )
        async with worker:
            # What a client does with Retry-After: ask again until the claim takes it.
            answered = await wait_for(
                lambda: review(stack.http, claim_id, decision="approve"),
                lambda r: r.status_code != 409,
                what="the review to be taken once the assessment is done",
                every_s=float(early.headers["Retry-After"]),
            )
            # Taken: answered (200), or accepted and answered after the API's wait (202, on a
            # loaded machine); either way the claim goes on to be paid on that review.
            assert answered.status_code in {200, 202}, answered.text
            paid = await wait_for_claim(stack.http, claim_id, TERMINAL)
    assert paid["status"] == "paid"
    assert paid["decision"]["decided_by"] == "adjuster"


async def test_a_refusal_the_row_does_not_contradict_stands(stack: Stack):
    number = await create_policy(stack.http)
    claim_id = (await submit(stack.http, number))["claim_id"]
    await wait_for_claim(stack.http, claim_id, TERMINAL)
    refused = await review(stack.http, claim_id, decision="approve")
    # A refusal, not "come back": nothing will make a paid claim await review.
    assert refused.status_code == 409, refused.text
    assert "Retry-After" not in refused.headers
