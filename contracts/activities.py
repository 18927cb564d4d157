"""Typed references to every activity and workflow, by the names their implementations
register: workflows call them, workers serve them, clients start them."""

from __future__ import annotations

from contracts.agent import AgentTurnInput, AgentTurnResult, ToolInput, ToolResult
from contracts.assessment import (
    AssessmentInput,
    AssessmentResult,
    ReadDocumentsInput,
    ReadDocumentsResult,
)
from contracts.base import ActivityRef, WorkflowRef
from contracts.claim import WORKFLOW_NAME, ClaimWorkflowInput
from contracts.claim_state import ClaimState
from contracts.outbox import (
    OUTBOX_WORKFLOW_NAME,
    AttemptResult,
    DueInput,
    DueResult,
    OutboxItem,
    OutboxRelayInput,
)
from contracts.payment import PaymentInput, PaymentResult, ReleaseInput
from contracts.shadow import SHADOW_WORKFLOW_NAME, ShadowBudgetInput, ShadowInput, ShadowRecord
from contracts.steps import PolicyCheckResult, StepsInput, SubmissionRecord

# Each reference's name is what its implementation registers (`@activity.defn(name=REF.name)`)
# and what histories record: a name never changes once a claim has run it.
# The claim's steps (claims worker; local activities but the assessment).
ADMIT = ActivityRef[SubmissionRecord, PolicyCheckResult]("admit_claim", PolicyCheckResult)
WRITE_STEPS = ActivityRef[StepsInput, None]("record_steps", type(None))
ASSESS = ActivityRef[AssessmentInput, AssessmentResult]("assess_claim", AssessmentResult)
# Text out of the claim's PDFs before the model is asked (claims worker, a regular activity).
READ_DOCUMENTS = ActivityRef[ReadDocumentsInput, ReadDocumentsResult](
    "read_documents", ReadDocumentsResult
)
# The investigation: a model turn (llm queue) and one tool call (claims worker, local).
AGENT_TURN = ActivityRef[AgentTurnInput, AgentTurnResult]("agent_turn", AgentTurnResult)
RUN_TOOL = ActivityRef[ToolInput, ToolResult]("agent_tool", ToolResult)
PAY = ActivityRef[PaymentInput, PaymentResult]("pay_claim", PaymentResult)
RELEASE = ActivityRef[ReleaseInput, None]("release_payment", type(None))
# A shadow's own steps: reserve its spend, then record its outcome (and settle the spend).
RESERVE_SHADOW = ActivityRef[ShadowBudgetInput, bool]("shadow_within_budget", bool)
WRITE_SHADOW = ActivityRef[ShadowRecord, None]("record_shadow", type(None))
# The outbox dispatchers' activities.
NEXT_WEBHOOKS = ActivityRef[DueInput, DueResult]("due_webhook_deliveries", DueResult)
DELIVER = ActivityRef[OutboxItem, AttemptResult]("deliver_webhook", AttemptResult)
NEXT_EMAILS = ActivityRef[DueInput, DueResult]("due_emails", DueResult)
SEND = ActivityRef[OutboxItem, AttemptResult]("send_email", AttemptResult)

CLAIM_WORKFLOW = WorkflowRef[ClaimWorkflowInput, ClaimState](WORKFLOW_NAME, ClaimState)
SHADOW_WORKFLOW = WorkflowRef[ShadowInput, str](SHADOW_WORKFLOW_NAME, str)
OUTBOX_DISPATCHER = WorkflowRef[OutboxRelayInput, None](OUTBOX_WORKFLOW_NAME, type(None))
