"""ClaimWorkflow on Temporal's time-skipping test server, its activities mocked by name.

The mocks register under the activities' own names (contracts/activities.py) and stand for
Postgres, the model and the payment rail: the policy check is the domain's own
(`claims.rules.check_policy`), every recorded step is kept in order, and a test scripts the
model's answers, the rail's verdicts and the failures a step meets. No Postgres, no dev server:
a lifecycle branch runs in well under a second, timers skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.worker import Worker

import contracts as c
from claims.agent import AgentLimits, ToolCall, TurnOutcome
from claims.assessment import ModelAnswer, Recommendation
from claims.decisions import ModelFacts
from claims.lifecycle import ClaimStatus, ErrorType
from claims.models import ClaimSubmission, Policy
from claims.offline_assessor import assess
from claims.rules import check_policy
from claims.transitions import SubmittedFile
from tools import samples as f
from tools.waiting import wait_for
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner

MODEL = ModelFacts(
    name="offline/claims-assessor",
    prompt_version="test",
    input_tokens=0,
    output_tokens=0,
    cost_usd=Decimal(0),
    latency_ms=1,
    attempts=1,
)


def answer(recommendation: Recommendation, confidence: float = 0.95) -> c.AssessmentResult:
    flags = [] if recommendation is Recommendation.APPROVE else ["scripted_flag"]
    return c.AssessmentResult(
        answer=ModelAnswer(
            recommendation=recommendation,
            confidence=confidence,
            rationale="scripted",
            risk_flags=flags,
        ),
        model=MODEL,
    )


def offline(request: c.AssessmentInput) -> c.AssessmentResult:
    """The stand-in model's answer on the claim's facts (the default)."""
    return c.AssessmentResult(answer=assess(request.facts), model=MODEL)


def offline_turn(request: c.AgentTurnInput) -> TurnOutcome:
    """The stand-in model answering at once on the claim's facts (the default turn)."""
    return TurnOutcome(answer=assess(request.facts))


def calls(*named: tuple[str, dict[str, Any]]) -> TurnOutcome:
    """A scripted turn calling these tools, in order."""
    return TurnOutcome(
        calls=[
            ToolCall(call_id=f"call-{i}", name=name, arguments=json.dumps(args))
            for i, (name, args) in enumerate(named)
        ]
    )


def step_failed(message: str) -> ApplicationError:
    """A step that cannot succeed as things stand: the claim parks until an operator retries."""
    return ApplicationError(message, type=ErrorType.STEP_FAILED, non_retryable=True)


@dataclass
class Mocks:
    """What the claim's activities did, and what the test tells them to do next."""

    policies: dict[str, Policy] = field(default_factory=dict)
    steps: list[c.StepsInput] = field(default_factory=list)
    admitted: list[c.SubmissionRecord] = field(default_factory=list)
    assessments: list[c.AssessmentInput] = field(default_factory=list)
    # Files the claim asked to have read, and whether reading fails (as a store that is down).
    reads: list[c.ReadDocumentsInput] = field(default_factory=list)
    reading_fails: bool = False
    payments: list[c.PaymentInput] = field(default_factory=list)
    releases: list[c.ReleaseInput] = field(default_factory=list)
    # The model's answers, in turn (then `model` for every later one).
    answers: list[c.AssessmentResult] = field(default_factory=list)
    model: Callable[[c.AssessmentInput], c.AssessmentResult] = offline
    # Set to hold the assessment until the test lets it go.
    hold_assessment: asyncio.Event | None = None
    # The rail's verdict per payment attempt (None: paid).
    refusals: dict[int, str] = field(default_factory=dict)
    # Failures of record_steps, raised in turn by the writes whose events include the key.
    step_failures: dict[str, list[Exception]] = field(default_factory=dict)
    # The investigation: the bounds the admitting worker gives (None: one-shot), the model's
    # turns in order (then `turn_model` for every later one), what each costs, and the record
    # tools' results by tool name.
    agent: AgentLimits | None = None
    turns: list[TurnOutcome] = field(default_factory=list)
    turn_model: Callable[[c.AgentTurnInput], TurnOutcome] = offline_turn
    turn_cost: Decimal = Decimal(0)
    turn_requests: list[c.AgentTurnInput] = field(default_factory=list)
    tool_results: dict[str, c.ToolResult] = field(default_factory=dict)
    tool_requests: list[c.ToolInput] = field(default_factory=list)

    def activities(self) -> list[Callable[..., Any]]:
        @activity.defn(name=c.ADMIT.name)
        async def admit_claim(record: c.SubmissionRecord) -> c.PolicyCheckResult:
            self.admitted.append(record)
            policy = self.policies.get(record.submission.policy_number)
            check = check_policy(policy, record.submission)
            return c.PolicyCheckResult(check=check, policy=policy, agent=self.agent)

        @activity.defn(name=c.WRITE_STEPS.name)
        async def record_steps(steps: c.StepsInput) -> None:
            events = {str(t.event_type) for t in steps.transitions}
            for event, failures in self.step_failures.items():
                if event in events and failures:
                    raise failures.pop(0)
            self.steps.append(steps)

        @activity.defn(name=c.ASSESS.name)
        async def assess_claim(request: c.AssessmentInput) -> c.AssessmentResult:
            self.assessments.append(request)
            if self.hold_assessment is not None:
                await self.hold_assessment.wait()
            return self.answers.pop(0) if self.answers else self.model(request)

        @activity.defn(name=c.READ_DOCUMENTS.name)
        async def read_documents(request: c.ReadDocumentsInput) -> c.ReadDocumentsResult:
            self.reads.append(request)
            if self.reading_fails:
                raise ApplicationError("the store is down", non_retryable=True)
            return c.ReadDocumentsResult(read=len(request.document_ids))

        @activity.defn(name=c.PAY.name)
        async def pay_claim(request: c.PaymentInput) -> c.PaymentResult:
            self.payments.append(request)
            refusal = self.refusals.get(request.attempt)
            if refusal is not None:
                raise ApplicationError(refusal, type=ErrorType.PAYMENT_REFUSED, non_retryable=True)
            return c.PaymentResult(
                payment_id=uuid.uuid5(uuid.NAMESPACE_URL, request.idempotency_key),
                amount=request.amount,
                currency=request.currency,
                rail_reference=f"test-{request.idempotency_key}",
            )

        @activity.defn(name=c.RELEASE.name)
        async def release_payment(request: c.ReleaseInput) -> None:
            self.releases.append(request)

        @activity.defn(name=c.AGENT_TURN.name)
        async def agent_turn(request: c.AgentTurnInput) -> c.AgentTurnResult:
            self.turn_requests.append(request)
            outcome = self.turns.pop(0) if self.turns else self.turn_model(request)
            model = MODEL.model_copy(update={"cost_usd": self.turn_cost})
            return c.AgentTurnResult(outcome=outcome, model=model)

        @activity.defn(name=c.RUN_TOOL.name)
        async def agent_tool(request: c.ToolInput) -> c.ToolResult:
            self.tool_requests.append(request)
            if request.call.name in self.tool_results:
                return self.tool_results[request.call.name]
            if request.call.name == "read_document":
                wanted = uuid.UUID(json.loads(request.call.arguments)["document_id"])
                return c.ToolResult(result="document", document_id=wanted)
            return c.ToolResult(result='{"earlier_claims": [], "duplicate_suspected": false}')

        return [
            admit_claim,
            record_steps,
            assess_claim,
            read_documents,
            pay_claim,
            release_payment,
            agent_turn,
            agent_tool,
        ]

    @property
    def events(self) -> list[str]:
        """Every recorded event, in order."""
        return [str(t.event_type) for s in self.steps for t in s.transitions]

    @property
    def statuses(self) -> list[str]:
        """Every status the claim row was moved to, in order."""
        return [str(t.status) for s in self.steps for t in s.transitions if t.status]

    @property
    def notifications(self) -> list[str]:
        return [str(n.kind) for s in self.steps for n in s.notifications]


def config(queue: str, **overrides: Any) -> c.ClaimConfig:
    values: dict[str, Any] = {
        "auto_approve_limit": Decimal("5000"),
        "review_sla_s": 48 * 3600,
        "llm_task_queue": queue,
        "llm_timeout_s": 5.0,
        "llm_max_attempts": 2,
        "step_alert_attempts": 2,
    }
    return c.ClaimConfig(**(values | overrides))


@dataclass
class Run:
    """One claim running on its own task queue, with its mocks."""

    client: Client
    mocks: Mocks
    handle: WorkflowHandle[ClaimWorkflow, c.ClaimState]

    async def state(self) -> c.ClaimState:
        return await self.handle.query(ClaimWorkflow.state)

    async def reaches(self, status: ClaimStatus) -> c.ClaimState:
        """The claim's live state once it is `status` (polled: the server is in-process)."""
        return await wait_for(
            self.state, lambda s: s.status is status, what=f"claim to be {status}", every_s=0.02
        )

    async def update(self, name: str, argument: Any) -> c.ClaimState:
        state: c.ClaimState = await self.handle.execute_update(
            name, argument, result_type=c.ClaimState
        )
        return state

    async def review(self, decision: c.ReviewDecision, **fields: Any) -> c.ClaimState:
        review = c.ReviewInput(
            decision=decision, adjuster_name="alice", adjuster_role="adjuster", **fields
        )
        return await self.update(c.REVIEW_UPDATE, review)

    async def result(self) -> c.ClaimState:
        return await self.handle.result()


@asynccontextmanager
async def claim(
    client: Client,
    submission: ClaimSubmission | None = None,
    *,
    mocks: Mocks | None = None,
    policy: Policy | None = None,
    files: list[SubmittedFile] | None = None,
    **settings: Any,
) -> AsyncIterator[Run]:
    """Run one claim (an ordinary one by default) under a worker of its own."""
    mocks = mocks or Mocks()
    policy = policy or f.policy()
    mocks.policies.setdefault(policy.policy_number, policy)
    submission = submission or f.submission(policy.policy_number)
    queue = f"workflow-tier-{uuid.uuid4().hex[:8]}"
    claim_id = uuid.uuid4()
    async with Worker(
        client,
        task_queue=queue,
        workflows=[ClaimWorkflow],
        activities=mocks.activities(),
        workflow_runner=claim_workflow_runner(),
    ):
        handle = await client.start_workflow(
            ClaimWorkflow.run,
            c.ClaimWorkflowInput(
                claim_id=claim_id,
                submission=submission,
                submitted_at=dt.datetime(2026, 6, 20, tzinfo=dt.UTC),
                config=config(queue, **settings),
                submitted_by="portal",
                files=files or [],
            ),
            id=c.workflow_id_for(claim_id),
            task_queue=queue,
        )
        try:
            yield Run(client, mocks, handle)
        finally:
            # A claim left waiting keeps timers on the shared time-skipping server, which a
            # later test's skip of days would have to fire: end it with its test.
            with contextlib.suppress(RPCError):
                await handle.terminate("the test is over")
