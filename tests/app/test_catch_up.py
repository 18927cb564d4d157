"""A review that meets a workflow still catching up with its own row is sent again, briefly.

Postgres steps run as local activities, so after a crash the row can show a step the replaying
workflow has not re-run yet. The row is put ahead here by hand, the way a killed worker leaves
it, while the claim really waits in assessment for an llm worker that is not there yet.
"""

import asyncio
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.assessment import LlmConfig, PostgresDocuments
from infra.tables import claim
from tests.support import factories as f
from tests.support.api import TERMINAL, create_policy, review, submit, wait_for_claim
from tests.support.stack import Stack, StackFactory
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


async def test_a_review_waits_for_the_workflow_to_reach_the_state_its_row_shows(
    make_stack: StackFactory, engine: AsyncEngine
):
    async with make_stack(llm_worker=False, update_wait_s=20.0) as stack:
        claim_id = await _assessing_with_row_ahead(stack)
        sent = asyncio.create_task(review(stack.http, claim_id, decision="approve"))
        await asyncio.sleep(1.0)  # refused at least once: the workflow is assessing
        assert not sent.done()
        settings = stack.settings
        llm = LlmConfig(model=settings.llm_model, timeout_s=settings.llm_timeout_s)
        worker = build_llm_worker(
            stack.client,
            config=llm,
            task_queue=settings.llm_task_queue,
            documents=PostgresDocuments(engine),
        )
        async with worker:
            answered = await sent
            assert answered.status_code == 200, answered.text
            paid = await wait_for_claim(stack.http, claim_id, TERMINAL)
    assert paid["status"] == "paid"
    assert paid["decision"]["decided_by"] == "adjuster"


async def test_a_refusal_stands_once_the_catch_up_window_is_over(make_stack: StackFactory):
    async with make_stack(llm_worker=False, update_wait_s=2.0) as stack:
        claim_id = await _assessing_with_row_ahead(stack)
        refused = await review(stack.http, claim_id, decision="approve")
    # A refusal, not a 202 "pending": the update was never taken.
    assert refused.status_code == 409, refused.text
    assert "assessing, not awaiting review" in refused.json()["detail"]
