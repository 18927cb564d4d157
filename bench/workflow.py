"""A workflow that only asks the llm worker for one assessment: the unit the benchmark counts."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
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
