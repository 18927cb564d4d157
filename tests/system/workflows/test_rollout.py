"""A rollout of an incompatible ClaimWorkflow change while claims wait in every state.

Two real claims-worker processes: build A runs ClaimWorkflow, build B a variant with a fraud
screen before every assessment (tests/support/variant_workflow.py), a change no claim started
on A could replay. They run against a dev server of this module's own, told to check drainage
and forget pollers in seconds rather than minutes; the rest is the session's Postgres.

The negative control swaps the same code without versioning and sees the nondeterminism error
a rolling deploy would cause, so the rollout test is known to be able to fail.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.enums.v1 import EventType as HistoryEventType
from temporalio.api.enums.v1 import WorkflowTaskFailedCause
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.assessment import LlmConfig
from app.services.submission import claim_id_for
from claims.lifecycle import EventType
from contracts import OutboxChannel, dispatcher_id, workflow_id_for
from infra.settings import Settings
from infra.tables import webhook_delivery
from tests.support import faults
from tests.support.api import (
    ADMIN,
    SUBMITTER,
    add_document,
    create_policy,
    review,
    submit,
    wait_for_claim,
)
from tests.support.stack import running_llm_worker, stack_settings
from tests.support.variant_workflow import (
    SCREEN_MS,
    UnpinnedClaimWorkflow,
    UnpinnedScreenedClaimWorkflow,
)
from tools.fake_llm import FakeLlmServer
from tools.processes import run_claims, stop, worker_process
from tools.samples import RED_FLAG_DESCRIPTION
from tools.servers import temporal_environment
from tools.waiting import wait_for
from tools.webhook_receiver import WebhookReceiver
from workers import claims_worker, deployments
from workers.claims_worker import build_claims_worker

FAST_DEPLOYMENTS = (
    'matching.wv.VersionDrainageStatusRefreshInterval="1s"',
    'matching.wv.VersionDrainageStatusVisibilityGracePeriod="1s"',
    'matching.PollerHistoryTTL="3s"',
)


@pytest.fixture(scope="module")
async def rollout_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await temporal_environment(dynamic_config=FAST_DEPLOYMENTS)
    yield env
    await env.shutdown()


async def until(predicate: Callable[[], Awaitable[bool]], timeout_s: float = 90) -> None:
    """Poll until `predicate` holds (a generous deadline, not a speed claim)."""
    what = getattr(predicate, "__name__", "the condition")
    await wait_for(predicate, what=what, timeout_s=timeout_s, every_s=0.3)


async def build_of(client: Client, claim_id: str) -> str:
    """The build the claim's latest run is pinned to."""
    described = await client.get_workflow_handle(f"claim-{claim_id}").describe()
    info = described.raw_description.workflow_execution_info.versioning_info
    return str(info.deployment_version.build_id)


async def deploy(
    client: Client, settings: Settings, *args: str
) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        run_claims, "deploy", *args, client=client, deployment_name=settings.deployment_name
    )


def worker_env(settings: Settings, build: str) -> dict[str, str]:
    return {
        "database_url": settings.database_url or "",
        "task_queue": settings.task_queue,
        "llm_task_queue": settings.llm_task_queue,
        "outbox_task_queue": settings.outbox_task_queue,
        "deployment_name": settings.deployment_name,
        "build_id": build,
        "build_promotion": "first",
        "outbox_sweep_s": "1",
        # The receiver fails until the rollout, then recovers: retries stay short and it is
        # never paused by the breaker meanwhile.
        "outbox_max_retry_s": "2",
        "outbox_breaker_failures": "1000",
    }


async def state_of(client: Client, name: str, build: str) -> str | None:
    status = await deployments.describe(client, name)
    found = [b for b in status.builds if b.build_id == build] if status else []
    return found[0].state if found else None


async def task_failures(client: Client, name: str) -> list[str]:
    """`workflow id: cause` of each failed workflow task (every run) in the deployment.

    One cause is the server's, not the code's: a signal that lands while a task completes the
    run (the outbox wakes its dispatchers by signal) fails that task as UNHANDLED_COMMAND, and the
    next task takes the signal. A busy machine makes that race likely; it is no replay failure.
    """
    failed = []
    async for execution in client.list_workflows(f"TemporalWorkerDeployment = '{name}'"):
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        history = await handle.fetch_history()
        for event in history.events:
            if event.event_type != HistoryEventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                continue
            cause = event.workflow_task_failed_event_attributes.cause
            if cause != WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND:
                failed.append(f"{execution.id}: {WorkflowTaskFailedCause.Name(cause)}")
    return failed


async def deliveries(engine: AsyncEngine, subscription_id: str) -> dict[str, int]:
    """The subscription's webhook deliveries by status, and how many attempts they took."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(webhook_delivery.c.status, webhook_delivery.c.attempts).where(
                    webhook_delivery.c.subscription_id == uuid.UUID(subscription_id)
                )
            )
        ).all()
    counts: dict[str, int] = {"attempts": sum(r.attempts for r in rows)}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


async def screened(client: Client, claim_id: str) -> bool:
    """Whether the claim's latest run went through build B's fraud screen (its 50 ms timer)."""
    history = await client.get_workflow_handle(f"claim-{claim_id}").fetch_history()
    return any(
        e.event_type == HistoryEventType.EVENT_TYPE_TIMER_STARTED
        and e.timer_started_event_attributes.start_to_fire_timeout.ToMilliseconds() == SCREEN_MS
        for e in history.events
    )


async def investigated(client: Client, claim_id: str) -> bool:
    """Whether any run of the claim asked the model in investigation turns."""
    runs: list[str | None] = [None]  # the latest, and every run visibility lists
    async for execution in client.list_workflows(f"WorkflowId = 'claim-{claim_id}'"):
        runs.append(execution.run_id)
    found = False
    for run_id in runs:
        handle = client.get_workflow_handle(f"claim-{claim_id}", run_id=run_id)
        history = await handle.fetch_history()
        found = found or any(
            e.event_type == HistoryEventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            and e.activity_task_scheduled_event_attributes.activity_type.name == "agent_turn"
            for e in history.events
        )
    return found


async def test_a_rollout_moves_waiting_claims_to_the_new_build_and_drains_the_old(
    rollout_env: WorkflowEnvironment,
    engine: AsyncEngine,
    database_url: str,
    fake_llm: FakeLlmServer,
    tmp_path: Path,
) -> None:
    client = rollout_env.client
    settings = stack_settings(
        database_url,
        deployment_name=f"rollout-{uuid.uuid4().hex[:8]}",
        version_check_s=2,
    )
    name = settings.deployment_name
    # Every assessment takes 3 s: long enough to catch a claim in the middle of one.
    llm = LlmConfig(model="openai/slow-3", api_base=fake_llm.api_base, api_key="sk-test")
    a = worker_process("claims", client=client, log=tmp_path / "a.log", **worker_env(settings, "A"))
    b: subprocess.Popen[bytes] | None = None
    figures: dict[str, Any] = {}
    receiver = WebhookReceiver(default="500")  # down until the rollout
    await receiver.start()
    try:
        async with running_llm_worker(client, engine, settings, llm) as stack:
            http = stack.http

            async def a_current() -> bool:
                status = await deployments.describe(client, name)
                return status is not None and status.current == "A"

            await until(a_current)
            hooks = await http.post(
                "/v1/webhooks",
                headers=SUBMITTER,
                json={"url": receiver.url, "events": ["claim.submitted", "claim.paid"]},
            )
            assert hooks.status_code == 201, hooks.text
            subscription = hooks.json()["id"]
            number = await create_policy(http)
            waiting_review = (await submit(http, number, description=RED_FLAG_DESCRIPTION))[
                "claim_id"
            ]
            waiting_info = (await submit(http, number, description=RED_FLAG_DESCRIPTION))[
                "claim_id"
            ]
            key = uuid.uuid4().hex
            parked = str(claim_id_for(settings.dev_submitter, key))
            async with faults.refuse_event(engine, uuid.UUID(parked), EventType.APPROVED) as fault:
                await submit(http, number, headers={"Idempotency-Key": key})
                await wait_for_claim(http, waiting_info, {"awaiting_review"})
                asked = await review(
                    http, waiting_info, decision="request_info", message_to_claimant="receipt?"
                )
                assert asked.status_code == 200, asked.text
                await wait_for_claim(http, waiting_info, {"awaiting_info"})
                await wait_for_claim(http, waiting_review, {"awaiting_review"})
                await wait_for_claim(http, parked, {"needs_attention"})

                # Build B also brings the investigating assessor: claims it admits investigate;
                # claims admitted on A keep their one-shot assessment, on B too.
                b = worker_process(
                    "claims",
                    client=client,
                    log=tmp_path / "b.log",
                    module="tests.support.variant_worker",
                    agent_enabled="true",
                    **worker_env(settings, "B"),
                )

                async def b_polls() -> bool:
                    return await state_of(client, name, "B") is not None

                await until(b_polls)
                assessing = (await submit(http, number))["claim_id"]  # mid-assessment on A
                # The outbox too: deliveries tried on A, waiting for their retry.
                pending = await deliveries(engine, subscription)
                assert pending.get("pending", 0) >= 3
                assert pending["attempts"] >= 1
                assert (await deploy(client, settings, "retire", "A")).returncode == 3

                started = time.monotonic()
                promoted = await deploy(client, settings, "promote", "B")
                assert promoted.returncode == 0, promoted.stderr
                mid = await deploy(client, settings, "status")
                assert mid.returncode == 0, mid.stderr
                figures["status mid-rollout"] = mid.stdout

                async def waiting_claims_moved() -> bool:
                    builds = [await build_of(client, c) for c in (waiting_review, waiting_info)]
                    return builds == ["B", "B"]

                await until(waiting_claims_moved)
                receiver.default = "ok"
                figures["waiting claims moved to B within (s)"] = round(
                    time.monotonic() - started, 1
                )
                # The parked claim is still on A: retiring A is refused, naming what remains.
                refused = await deploy(client, settings, "retire", "A")
                assert refused.returncode == 3, refused.stderr
                assert "claims" in refused.stderr
                figures["retire A, refused"] = refused.stderr.strip()
                await fault.fix()
                retried = await http.post(f"/v1/claims/{parked}/retry", headers=ADMIN)
                assert retried.status_code == 200, retried.text

            # Its own day and words: no earlier claim of this test looks like it.
            fresh = (
                await submit(
                    http, number, incident_date="2026-06-02", description="Mirror knocked off."
                )
            )["claim_id"]
            approved = await review(http, waiting_review, decision="approve")
            assert approved.status_code == 200, approved.text
            answered = await add_document(http, waiting_info, "Receipt from the shop, 1250.00.")
            assert answered.status_code == 201, answered.text
            await wait_for_claim(http, waiting_info, {"awaiting_review"})
            assert (await review(http, waiting_info, decision="approve")).status_code == 200
            ends = {
                c: (await wait_for_claim(http, c, {"paid"}))["status"]
                for c in (waiting_review, waiting_info, parked, assessing, fresh)
            }
            assert set(ends.values()) == {"paid"}

            builds = {c: await build_of(client, c) for c in ends}
            # New claims ran on B; waiting claims moved to B; what was mid-step finished on A.
            assert builds[fresh] == "B"
            assert builds[waiting_review] == builds[waiting_info] == "B"
            assert builds[parked] == builds[assessing] == "A"
            assert await screened(client, fresh)
            assert await screened(client, waiting_info)  # reassessed on B
            assert not await screened(client, assessing)
            # Admitted on B: investigated; admitted on A: assessed once, wherever it ran after.
            assert await investigated(client, fresh)
            for one_shot in (waiting_info, waiting_review, parked, assessing):
                assert not await investigated(client, one_shot)
            figures["claims by build"] = {
                build: sorted(k for k, v in builds.items() if v == build) for build in ("A", "B")
            }

            # Every delivery arrived, through the dispatcher that moved to B with them.
            async def delivered() -> bool:
                counts = await deliveries(engine, subscription)
                return set(counts) == {"attempts", "delivered"}

            await until(delivered)
            figures["webhook deliveries"] = await deliveries(engine, subscription)
            dispatcher = await client.get_workflow_handle(
                dispatcher_id(OutboxChannel.WEBHOOK, settings.outbox_task_queue)
            ).describe()
            moved = dispatcher.raw_description.workflow_execution_info.versioning_info
            assert moved.deployment_version.build_id == "B"

            async def a_drained() -> bool:
                return await state_of(client, name, "A") == "drained"

            await until(a_drained, timeout_s=120)
            figures["A drained after promotion (s)"] = round(time.monotonic() - started, 1)
            stop(a)

            async def retired() -> bool:
                outcome = await deploy(client, settings, "retire", "A")
                figures["retire A"] = (outcome.stdout or outcome.stderr).strip()
                return outcome.returncode == 0

            # The server forgets A's pollers a few seconds after they stop.
            await until(retired, timeout_s=60)
            assert await task_failures(client, name) == []
            figures["workflow task failures"] = 0
    finally:
        stop(a, b)
        await receiver.stop()
    print("\nrollout figures:")
    for label, value in figures.items():
        print(f"  {label}: {value}")


async def test_without_versioning_the_same_swap_breaks_a_claim_in_flight(
    client: Client,
    engine: AsyncEngine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The negative control: unversioned, build B replays a claim of build A and fails."""
    settings = stack_settings(database_url, update_wait_s=2.0)
    llm = LlmConfig(model=settings.llm_model)
    async with running_llm_worker(client, engine, settings, llm) as stack:
        http = stack.http
        number = await create_policy(http)
        monkeypatch.setattr(claims_worker, "ClaimWorkflow", UnpinnedClaimWorkflow)
        async with build_claims_worker(
            client, engine=engine, task_queue=settings.task_queue, deployment=None
        ):
            claim_id = (await submit(http, number, description=RED_FLAG_DESCRIPTION))["claim_id"]
            await wait_for_claim(http, claim_id, {"awaiting_review"})
        # The rolling deploy: the same task queue, the new code, nothing pinning the claim.
        monkeypatch.setattr(claims_worker, "ClaimWorkflow", UnpinnedScreenedClaimWorkflow)
        async with build_claims_worker(
            client, engine=engine, task_queue=settings.task_queue, deployment=None
        ):
            await review(http, claim_id, decision="approve")
            handle = client.get_workflow_handle(workflow_id_for(uuid.UUID(claim_id)))

            async def failed() -> bool:
                history = await handle.fetch_history()
                return any(
                    e.event_type == HistoryEventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
                    for e in history.events
                )

            await until(failed, timeout_s=60)
        history = await handle.fetch_history()
        [failure] = [
            e.workflow_task_failed_event_attributes.failure.message
            for e in history.events
            if e.event_type == HistoryEventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ][:1]
        await handle.terminate("negative control done")
    assert "Nondeterminism" in failure
    print(f"\nnegative control, unversioned swap: {failure[:160]}")
