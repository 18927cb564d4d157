"""Workflows the benchmarks count: an assessment, the bare ceiling, a claim-shaped no-op."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import contracts as c
    from contracts.search_attributes import CLAIM_STATUS


class BenchInput(BaseModel):
    request: c.AssessmentInput
    llm_task_queue: str


@workflow.defn(name="AssessmentBench")
class AssessmentBench:
    @workflow.run
    async def run(self, input: BenchInput) -> bool:
        result: c.AssessmentResult = await workflow.execute_activity(
            c.ASSESS.name,
            input.request,
            result_type=c.AssessmentResult,
            task_queue=input.llm_task_queue,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return result.answer is not None


@activity.defn(name="bench_noop")
async def noop(value: int) -> int:
    """The least an activity can do: the bare ceiling's one regular activity."""
    return value


@workflow.defn(name="BareOneActivity")
class BareOneActivity:
    """The minimum any claim design needs: one workflow, one regular activity on a task queue."""

    @workflow.run
    async def run(self, value: int) -> int:
        return await _noop(value)


@activity.defn(name="bench_noop_local")
async def noop_local(value: int) -> int:
    """The least a local activity can do: a recorded step with no Postgres behind it."""
    return value


@workflow.defn(name="ClaimShaped")
class ClaimShaped:
    """An auto-approved claim's commands in its order, each doing nothing.

    The same history as a claim (tests/histories/auto_approve.json, checked by a test): three
    workflow tasks, five local activities, two regular activities and three search-attribute
    upserts. What a claim costs beyond this is our code (Postgres, models, encryption of larger
    payloads); this is what the shape costs the SDK and the server.
    """

    @workflow.run
    async def run(self, value: int) -> int:
        await _noop_local(value)  # admit
        workflow.upsert_search_attributes([CLAIM_STATUS.value_set("assessing")])
        await _noop_local(value)  # record the policy check
        await _noop(value)  # the assessment
        await _noop_local(value)  # record the assessment and the approval
        workflow.upsert_search_attributes([CLAIM_STATUS.value_set("paying")])
        await _noop_local(value)  # record the payment's start
        await _noop(value)  # the payment
        workflow.upsert_search_attributes([CLAIM_STATUS.value_set("paid")])
        return await _noop_local(value)  # record the payment and the claimant's e-mail


# The baselines' activities: one try of 30 s, retried like any activity of ours.
_TIMEOUT = timedelta(seconds=30)
_RETRY = RetryPolicy(maximum_attempts=3)


async def _noop(value: int) -> int:
    result: int = await workflow.execute_activity(
        noop, value, start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
    )
    return result


async def _noop_local(value: int) -> int:
    result: int = await workflow.execute_local_activity(
        noop_local, value, start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
    )
    return result
