"""The claims worker: ClaimWorkflow and its shadow assessments, plus the Postgres, payment and
notification activities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.worker import Worker, WorkerDeploymentConfig

import workflows
from activities.agent_tools import AgentTools
from activities.documents import DocumentReading
from activities.payment import LedgerRail, PaymentActivities, PaymentRail
from activities.records import OutboxWake, RecordActivities
from activities.shadows import ShadowActivities
from claims.agent import AgentLimits
from claims.assessment import ShadowSpec
from infra.document_vault import DocumentVault
from infra.objects import ObjectStore
from infra.settings import Settings
from workers.workflow_code import keep_workflow_code
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner
from workflows.shadow import ShadowAssessmentWorkflow


def build_claims_worker(
    client: Client,
    *,
    engine: AsyncEngine,
    task_queue: str,
    deployment: WorkerDeploymentConfig | None,
    rail: PaymentRail | None = None,
    records: RecordActivities | None = None,
    wake: OutboxWake | None = None,
    shadows: Sequence[ShadowSpec] = (),
    shadow_sample: float = 1.0,
    shadow_budget_usd: Decimal = Decimal(10),
    shadow_prices: Mapping[str, Decimal] | None = None,
    vault: DocumentVault | None = None,
    agent: AgentLimits | None = None,
    **options: Any,
) -> Worker:
    """A worker serving ClaimWorkflow and every activity that touches Postgres.

    `deployment` is the Worker Deployment version it joins (workers/versioning.py); None runs it
    unversioned, which only the test showing why versioning matters does.
    `vault` reads the claims' files (PDF text for the model); without one, a claim's PDFs stay
    unread and the model is told so.
    `agent` are the investigation's bounds each admitted claim records (None: one-shot).
    `options` are Worker options from configuration (concurrency, cache size, shutdown grace).
    """
    keep_workflow_code(workflows)
    records = records or RecordActivities(engine, wake, shadows, shadow_sample, agent)
    tools = AgentTools(engine)
    payments = PaymentActivities(engine, rail or LedgerRail())
    shadow_steps = ShadowActivities(engine, shadow_budget_usd, shadow_prices)
    reading = DocumentReading(engine, vault)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ClaimWorkflow, ShadowAssessmentWorkflow],
        deployment_config=deployment,
        workflow_runner=claim_workflow_runner(),
        activities=[
            records.admit_claim,
            records.record_steps,
            reading.read_documents,
            tools.agent_tool,
            payments.pay_claim,
            payments.release_payment,
            shadow_steps.shadow_within_budget,
            shadow_steps.record_shadow,
        ],
        **options,
    )


def document_vault(settings: Settings) -> DocumentVault:
    """The claims' files as the workers read them: the object store and the payload key ring."""
    return DocumentVault(ObjectStore.from_settings(settings), settings.key_ring())
