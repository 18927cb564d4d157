"""Asking the model about a claim, on the llm queue, and routing on its answer.

The model runs as a regular activity on the llm worker's queue (its own rate limits and
slots); the route is decided by deterministic code (`claims/routing.py`) in the workflow, so
the same answer always takes the same path on replay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

import contracts as c
from claims.agent import AgentLimits
from claims.assessment import ClaimFacts, ShadowSpec
from claims.decisions import DecisionRecord
from claims.lifecycle import EventType
from claims.models import DecidedBy, DecisionOutcome
from claims.routing import ReviewReason, Route, RoutingDecision, route_claim
from contracts import shadow_workflow_id
from workflows import retries
from workflows.bound import BoundToClaim
from workflows.calls import start_remote
from workflows.investigation import Finding, Investigator
from workflows.investigation_loop import route_finding
from workflows.parking import ClaimCancelledError

# Claims that began before shadow assessments existed replay without starting any.
SHADOWS_PATCH = "shadow-assessments"
# Claims that began before documents were files never read one.
READ_FILES_PATCH = "read-document-files"


class Assessment(BoundToClaim):
    """One claim's assessments: each asks the model (once, or in an investigation), routes,
    and records both."""

    def __init__(self, *bound: Any, ask: Callable[[str, timedelta], Awaitable[None]]) -> None:
        super().__init__(*bound)
        self._investigator = Investigator(*bound, ask=ask, read_files=self.read_files)

    async def assess(self, cancel_requested: Callable[[], bool]) -> RoutingDecision:
        """Ask the model (cancellable), then route; raises ClaimCancelledError on a cancel."""
        claim = self._claim
        self._board.wait_on("assessment")
        facts = ClaimFacts.of(self._input.submission, claim.policy, claim.payable_amount)
        if claim.agent is not None:
            return await self._investigate(facts, claim.agent, cancel_requested)
        await self.read_files()
        handle = await self.start_assessment(facts)
        await self.start_shadows(facts)
        await workflow.wait_condition(lambda: handle.done() or cancel_requested())
        if cancel_requested() and not handle.done():
            handle.cancel()
            raise ClaimCancelledError
        self._board.wait_on(None)
        unavailable = ReviewReason.ASSESSMENT_UNAVAILABLE
        try:
            result = await handle
        except ActivityError as err:
            # No provider behaviour may fail the claim: when every attempt is spent, a human
            # decides instead.
            workflow.logger.warning("assessment unavailable: %s", err.cause or err)
            result = None
        if result is not None and result.answer is None:
            unavailable = ReviewReason.MODEL_OUTPUT_INVALID
        if cancel_requested():
            raise ClaimCancelledError
        config = self._input.config
        routing = route_claim(
            answer=result.answer if result else None,
            payable_amount=claim.payable_amount,
            auto_approve_limit=config.auto_approve_limit,
            min_confidence=config.auto_approve_min_confidence,
            risk_rules=claim.risk_rules,
            unavailable_reason=unavailable,
        )
        await self.record_assessment(result, routing)
        return routing

    async def _investigate(
        self, facts: ClaimFacts, limits: AgentLimits, cancel_requested: Callable[[], bool]
    ) -> RoutingDecision:
        """The investigation (workflows/investigation.py), then the same routing and record."""
        claim = self._claim
        if claim.investigation is None or claim.investigation.asked is None:
            await self.start_shadows(facts)  # once per assessment, not again on an answer
        finding = await self._investigator.investigate(facts, limits, cancel_requested)
        if cancel_requested():
            raise ClaimCancelledError
        self._board.wait_on(None)
        routing = self._route_finding(finding)
        result = None
        if finding.model is not None:
            result = c.AssessmentResult(
                answer=finding.answer, invalid_reason=finding.invalid_reason, model=finding.model
            )
        await self.record_assessment(result, routing)
        return routing

    def _route_finding(self, finding: Finding) -> RoutingDecision:
        claim, config = self._claim, self._input.config
        return route_finding(
            finding,
            duplicate_suspected=claim.investigation is not None
            and claim.investigation.duplicate_suspected,
            payable_amount=claim.payable_amount,
            auto_approve_limit=config.auto_approve_limit,
            min_confidence=config.auto_approve_min_confidence,
            risk_rules=claim.risk_rules,
        )

    async def read_files(self) -> None:
        """Extract the text of PDFs added since the last read, for the model to read.

        Never fails the claim: when the reading is spent, the model is asked anyway, and sees
        which files were not read."""
        claim = self._claim
        # Claims from before files existed have none unread, and never reach the patch.
        if not claim.unread_files or not workflow.patched(READ_FILES_PATCH):
            return
        try:
            await start_remote(
                c.READ_DOCUMENTS,
                c.ReadDocumentsInput(
                    claim_id=self._input.claim_id, document_ids=claim.unread_files
                ),
                summary=f"Read {len(claim.unread_files)} document file(s)",
                timeout=retries.READ_FILES_TIMEOUT,
                heartbeat=retries.READ_FILES_HEARTBEAT,
                retry=retries.READ_FILES_RETRY,
            )
        except ActivityError as err:
            workflow.logger.warning("documents not read: %s", err.cause or err)
        claim.files_read()

    async def start_assessment(
        self, facts: ClaimFacts
    ) -> workflow.ActivityHandle[c.AssessmentResult]:
        """Ask the model, on the llm queue, once the claim's steps so far are written."""
        await self._recorder.flush()
        config = self._input.config
        return start_remote(
            c.ASSESS,
            c.AssessmentInput(
                claim_id=self._input.claim_id, facts=facts, document_ids=self._claim.document_ids
            ),
            task_queue=config.llm_task_queue,
            timeout=timedelta(seconds=config.llm_timeout_s) + retries.LLM_ATTEMPT_HEADROOM,
            schedule_to_close=retries.LLM_TOTAL_TIMEOUT,
            heartbeat=retries.LLM_HEARTBEAT_TIMEOUT,
            retry=retries.llm_retry(config.llm_max_attempts),
            summary=f"Assess claim with {config.llm_model or 'the LLM'}",
        )

    async def start_shadows(self, facts: ClaimFacts) -> None:
        """Start each shadow candidate on the same facts (workflows/shadow.py); the claim waits
        for their start (all at once: one round trip), never their end, and a shadow can never
        fail it."""
        claim = self._claim
        claim.assessment_started()
        # The candidates came from the admitting worker, recorded in this history; a claim
        # that began before shadows existed has none and replays as it ran.
        if not claim.shadows or not workflow.patched(SHADOWS_PATCH):
            return
        await asyncio.gather(
            *(self._start_shadow(index, spec, facts) for index, spec in enumerate(claim.shadows))
        )

    async def _start_shadow(self, index: int, spec: ShadowSpec, facts: ClaimFacts) -> None:
        claim, config, info = self._claim, self._input.config, workflow.info()
        shadow = c.ShadowInput(
            claim_id=self._input.claim_id,
            round=claim.assessment_rounds,
            spec=spec,
            facts=facts,
            document_ids=claim.document_ids,
            payable_amount=claim.payable_amount,
            auto_approve_limit=config.auto_approve_limit,
            min_confidence=config.auto_approve_min_confidence,
            risk_rules=[str(r) for r in claim.risk_rules],
            llm_task_queue=config.llm_task_queue,
            llm_timeout_s=config.llm_timeout_s,
            policy_number=self._input.submission.policy_number,
        )
        try:
            await workflow.start_child_workflow(
                c.SHADOW_WORKFLOW.name,
                shadow,
                id=shadow_workflow_id(info.workflow_id, claim.assessment_rounds, index),
                task_queue=info.task_queue,
                parent_close_policy=ParentClosePolicy.ABANDON,
                static_summary=f"Shadow assessment by {spec.model}",
            )
        except WorkflowAlreadyStartedError:
            # Started by an earlier run of this claim (a reset): it is running already.
            workflow.logger.info("shadow %s already started", spec.model)

    async def record_assessment(
        self, result: c.AssessmentResult | None, routing: RoutingDecision
    ) -> None:
        answer = result.answer if result else None
        approve = routing.route is Route.AUTO_APPROVE
        # Deferred: the route's next step (approved, review requested) is written with it.
        await self._recorder.transition(
            EventType.ASSESSED,
            defer=True,
            detail={
                "route": routing.route.value,
                "reasons": routing.reasons,
                "recommendation": answer.recommendation.value if answer else None,
                "model": result.model.name if result else None,
                "invalid_reason": result.invalid_reason if result else None,
                "model_faults": result.model_faults if result else [],
                **self._investigation_detail(),
            },
            decision=DecisionRecord(
                outcome=DecisionOutcome.APPROVE if approve else DecisionOutcome.REVIEW,
                decided_by=DecidedBy.MODEL,
                reasons=routing.reasons,
                rules_fired=[r.value for r in self._claim.risk_rules],
                payable_amount=self._claim.payable_amount,
                approved_amount=self._claim.payable_amount if approve else None,
                model=result.model if result else None,
                answer=answer,
            ),
        )

    def _investigation_detail(self) -> dict[str, object]:
        """The investigation's figures for the audit trail (none for a one-shot assessment)."""
        inv = self._claim.investigation
        if self._claim.agent is None or inv is None:
            return {}
        return {"investigation": inv.audit_detail()}
