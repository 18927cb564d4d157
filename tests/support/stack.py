"""Real workers on per-test task queues against the session's Temporal and Postgres."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowHandle

from activities.assessment import LlmConfig
from activities.document_source import PostgresDocuments
from activities.payment import PaymentRail
from activities.records import RecordActivities
from app.services.submission import claim_config
from claims.lifecycle import ClaimStatus
from claims.models import ClaimSubmission, Policy
from contracts import ClaimState, ClaimWorkflowInput, workflow_id_for
from infra.settings import Settings
from infra.store import claims as claim_store
from infra.store import policies
from tests.support.api import api_client
from tools.keys import SESSION_KEYS
from tools.waiting import wait_for
from workers.build_id import build_id
from workers.claims_worker import build_claims_worker, document_vault
from workers.deployments import join
from workers.llm_worker import build_llm_worker
from workers.outbox_worker import OutboxWaker, build_outbox_worker, start_dispatchers
from workers.versioning import deployment_config
from workflows.claim import ClaimWorkflow


@dataclass
class Stack:
    """Real workers on this stack's own task queues, and the API (real lifespan) in front."""

    client: Client
    engine: AsyncEngine
    settings: Settings
    http: httpx.AsyncClient

    async def add_policy(self, policy: Policy) -> Policy:
        async with self.engine.begin() as conn:
            await policies.upsert(conn=conn, policy=policy)
        return policy

    async def start(
        self, submission: ClaimSubmission, **config: object
    ) -> WorkflowHandle[ClaimWorkflow, ClaimState]:
        """Start a claim's workflow directly (as the API would), with config overrides."""
        claim_id = uuid.uuid4()
        return await self.client.start_workflow(
            ClaimWorkflow.run,
            ClaimWorkflowInput(
                claim_id=claim_id,
                submission=submission,
                submitted_at=dt.datetime.now(dt.UTC),
                config=claim_config(self.settings).model_copy(update=config),
                # Owned by the dev submitter, as if it had come through the API with its key.
                submitted_by=self.settings.dev_submitter.name,
            ),
            id=workflow_id_for(claim_id),
            task_queue=self.settings.task_queue,
        )

    async def wait_for_status(
        self, handle: WorkflowHandle[ClaimWorkflow, ClaimState], status: ClaimStatus
    ) -> ClaimState:
        """Poll the workflow's live state (bounded by a generous deadline, not a speed claim)."""
        return await wait_for(
            lambda: handle.query(ClaimWorkflow.state),
            lambda state: state.status is status,
            what=f"{handle.id} to be {status}",
        )

    async def claim_row(self, claim_id: uuid.UUID) -> dict[str, object]:
        async with self.engine.connect() as conn:
            row = await claim_store.get(conn=conn, claim_id=claim_id)
        assert row is not None
        return asdict(row)

    async def event(self, claim_id: uuid.UUID, event_type: str) -> dict[str, Any]:
        """The claim's only audit event of this type, once it is written.

        The query shows a status as soon as the workflow decides it; the step that records it
        commits a moment later (in the same workflow task's local activity), so this waits.
        """

        async def of_type() -> list[dict[str, Any]]:
            async with self.engine.connect() as conn:
                events = await claim_store.list_events(conn=conn, claim_id=claim_id)
            return [asdict(e) for e in events if e.type == event_type]

        [only] = await wait_for(of_type, what=f"the {event_type} event of claim {claim_id}")
        return only

    async def event_types(self, claim_id: uuid.UUID) -> list[str]:
        async with self.engine.connect() as conn:
            events = await claim_store.list_events(conn=conn, claim_id=claim_id)
        return [e.type for e in events]


# Options of `running_stack` itself; every other `make_stack` keyword is a setting.
STACK_OPTIONS = ("llm", "rail", "records", "llm_concurrency", "llm_worker")
StackFactory = Callable[..., AbstractAsyncContextManager["Stack"]]


# The Temporal Web UI's origin as tests configure it (the codec's one CORS origin).
WEB_UI_ORIGIN = "http://127.0.0.1:8233"


def stack_settings(database_url: str, **overrides: object) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "database_url": database_url,
        "task_queue": f"claims-{suffix}",
        "llm_task_queue": f"llm-{suffix}",
        "outbox_task_queue": f"outbox-{suffix}",
        "auto_approve_limit": Decimal("5000"),
        # Tests share one API client address and make many 401s on purpose: the sign-in limit
        # is tested where it is meant (tests/integration/app/test_sign_in_limits.py).
        "sign_in_max_failures": 1_000_000,
        # Principals (dev-submitter above all) keep their subscriptions across the session's
        # tests in the one database: the quota is tested where it is meant (test_fairness).
        "webhook_max_per_submitter": 1_000_000,
        "webhook_max_per_staff": 1_000_000,
        # A deployment per stack, its build made current as it starts: stacks never route each
        # other's claims. Claims check their build rarely (time-skipping tests pass days).
        "deployment_name": f"claims-{suffix}",
        "build_promotion": "always",
        "version_check_s": 30 * 86_400,
        "encryption_keys": SESSION_KEYS,
        "cors_allowed_origins": WEB_UI_ORIGIN,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def running_stack(
    client: Client,
    engine: AsyncEngine,
    settings: Settings,
    *,
    llm: LlmConfig | None = None,
    rail: PaymentRail | None = None,
    records: RecordActivities | None = None,
    llm_concurrency: int = 20,
    llm_worker: bool = True,
) -> AsyncIterator[Stack]:
    """Both workers (or only the claims worker) and the API, on this stack's own task queues."""
    build = build_id(settings)
    deployment = deployment_config(settings.deployment_name, build)
    async with AsyncExitStack() as workers:
        await workers.enter_async_context(
            build_claims_worker(
                client,
                engine=engine,
                task_queue=settings.task_queue,
                deployment=deployment,
                rail=rail,
                records=records,
                wake=OutboxWaker(client, settings),
                shadows=settings.shadow_specs,
                shadow_sample=settings.llm_shadow_sample,
                shadow_budget_usd=settings.llm_shadow_budget_usd,
                shadow_prices=settings.shadow_prices,
                vault=document_vault(settings),
                agent=settings.agent_limits(),
            )
        )
        # Webhook deliveries (and e-mails, when the settings name an SMTP server).
        await workers.enter_async_context(
            build_outbox_worker(
                client,
                engine=engine,
                settings=settings,
                key_ring=settings.key_ring(),
                deployment=deployment,
            )
        )
        await join(client, settings.deployment_name, build, settings.build_promotion)
        await start_dispatchers(client, settings)
        if llm_worker:
            default = LlmConfig(model=settings.llm_model, timeout_s=settings.llm_timeout_s)
            await workers.enter_async_context(
                build_llm_worker(
                    client,
                    config=llm or default,
                    task_queue=settings.llm_task_queue,
                    documents=PostgresDocuments(engine, document_vault(settings)),
                    max_concurrency=llm_concurrency,
                )
            )
        http = await workers.enter_async_context(api_client(settings, client))
        yield Stack(client=client, engine=engine, settings=settings, http=http)


@asynccontextmanager
async def running_llm_worker(
    client: Client, engine: AsyncEngine, settings: Settings, llm: LlmConfig
) -> AsyncIterator[Stack]:
    """Only the llm worker in-process (the claims worker runs elsewhere, e.g. a subprocess)."""
    worker = build_llm_worker(
        client,
        config=llm,
        task_queue=settings.llm_task_queue,
        documents=PostgresDocuments(engine, document_vault(settings)),
    )
    async with worker, api_client(settings, client) as http:
        yield Stack(client=client, engine=engine, settings=settings, http=http)
