"""A workflow that only asks the llm worker for one assessment: the unit the benchmark counts."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import contracts as c


class BenchInput(BaseModel):
    request: c.AssessmentInput
    llm_task_queue: str


@workflow.defn(name="AssessmentBench")
class AssessmentBench:
    @workflow.run
    async def run(self, input: BenchInput) -> bool:
        result: c.AssessmentResult = await workflow.execute_activity(
            c.ASSESS_CLAIM,
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
        result: int = await workflow.execute_activity(
            noop,
            value,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return result
