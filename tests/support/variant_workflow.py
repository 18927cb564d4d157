"""Build B of the rollout test: ClaimWorkflow with an incompatible change.

A fraud screen (a timer, as any new step would be) before every assessment. A claim that
started on the real ClaimWorkflow has an assessment in its history where this code would start
a timer, so it cannot replay here: exactly the change that must ship as a new build.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import VersioningBehavior

from claims.routing import RoutingDecision
from contracts import WORKFLOW_NAME, ClaimState, ClaimWorkflowInput
from workflows.claim import ClaimWorkflow

SCREEN_SUMMARY = "fraud screen (build B)"
SCREEN_MS = 50


@workflow.defn(name=WORKFLOW_NAME, versioning_behavior=VersioningBehavior.PINNED)
class ScreenedClaimWorkflow(ClaimWorkflow):
    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        return await super().run(input)

    async def _assess(self) -> RoutingDecision:
        await workflow.sleep(timedelta(milliseconds=SCREEN_MS), summary=SCREEN_SUMMARY)
        return await super()._assess()


# The negative control runs both builds unversioned, as a plain rolling deploy would: the same
# code without the pinning (a pinned workflow refuses to run on an unversioned worker).
@workflow.defn(name=WORKFLOW_NAME)
class UnpinnedClaimWorkflow(ClaimWorkflow):
    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        return await super().run(input)


@workflow.defn(name=WORKFLOW_NAME)
class UnpinnedScreenedClaimWorkflow(ScreenedClaimWorkflow):
    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        return await super().run(input)
