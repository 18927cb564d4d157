"""Worker processes as a platform engineer runs them: boot, metrics, SIGTERM, scale-out."""

import asyncio
import signal
import subprocess
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError

from claims.lifecycle import ClaimStatus
from devstack.processes import free_port
from devstack.readiness import queue_has_poller
from infra.store import shadows
from tests.support.stack import running_stack, stack_settings
from tools import samples as f
from tools.fake_llm import FakeLlmServer, calls_in_flight
from tools.processes import stop, worker_process
from tools.waiting import wait_for


async def exit_code(process: subprocess.Popen[bytes], timeout_s: float = 90) -> int:
    return await asyncio.wait_for(asyncio.to_thread(process.wait), timeout_s)


async def polling(client: Client, queue: str, process: subprocess.Popen[bytes]) -> None:
    async with asyncio.timeout(60):
        while not await _has_poller(client, queue, process):
            assert process.poll() is None, "the worker exited before polling"
            await asyncio.sleep(0.2)


async def _has_poller(client: Client, queue: str, process: subprocess.Popen[bytes]) -> bool:
    try:
        return await queue_has_poller(client, queue, process.pid, workflows=False)
    except RPCError:
        return False  # a busy server cancelling the call is not an answer; ask again


@pytest.mark.parametrize(
    ("queue", "unreachable", "message"),
    [
        ("llm", "temporal_address", "unreachable after 2s"),
        ("claims", "database_url", "Postgres unreachable"),
    ],
)
async def test_a_worker_that_cannot_reach_a_dependency_exits_with_a_clear_error(
    client: Client, tmp_path: Path, queue, unreachable, message
):
    nowhere = {
        "temporal_address": f"127.0.0.1:{free_port()}",
        "database_url": f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/claims",
    }[unreachable]
    log = tmp_path / "worker.log"
    process = worker_process(
        queue, client=client, log=log, connect_timeout_s="2", **{unreachable: nowhere}
    )
    assert await exit_code(process) == 2, log.read_text()
    assert message in log.read_text()


async def test_sigterm_lets_the_in_flight_assessment_finish_then_exits_0(
    client: Client, engine: AsyncEngine, database_url: str, fake_llm: FakeLlmServer, tmp_path
):
    model = "slow-3.0"
    settings = stack_settings(database_url)
    metrics_port = free_port()
    llm = worker_process(
        "llm",
        client=client,
        log=tmp_path / "llm.log",
        llm_task_queue=settings.llm_task_queue,
        llm_model=f"openai/{model}",
        llm_api_base=fake_llm.api_base,
        llm_api_key="sk-test",
        database_url=database_url,
        worker_metrics_port=str(metrics_port),
        worker_graceful_shutdown_s="30",
    )
    try:
        await polling(client, settings.llm_task_queue, llm)
        # The Temporal SDK's own metrics, on the worker's Prometheus port.
        async with httpx.AsyncClient() as http:
            scraped = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        assert "temporal_worker_task_slots_available" in scraped
        # Loopback only, unless CLAIMS_WORKER_METRICS_HOST says otherwise.
        listening = {
            c.laddr.ip
            for c in psutil.Process(llm.pid).net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == metrics_port
        }
        assert listening == {"127.0.0.1"}
        async with running_stack(client, engine, settings, llm_worker=False) as stack:
            policy = await stack.add_policy(f.policy())
            handle = await stack.start(f.submission(policy.policy_number))
            await wait_for(
                calls_in_flight(fake_llm, model), lambda n: n > 0, what="an assessment in flight"
            )
            llm.send_signal(signal.SIGTERM)
            assert await exit_code(llm) == 0
            final = await handle.result()
        assert final.status is ClaimStatus.PAID
        history = await handle.fetch_history()
        assessed = [
            e.activity_task_started_event_attributes.attempt
            for e in history.events
            if e.HasField("activity_task_started_event_attributes")
        ]
        # Every activity ran once: the assessment finished inside the grace period.
        assert set(assessed) == {1}
        assert "finishing in-flight work" in (tmp_path / "llm.log").read_text()
    finally:
        stop(llm)


def started_by(history) -> dict[str, int]:
    """Identity of the worker that ran each assessment attempt, counted."""
    counts: dict[str, int] = {}
    scheduled = {
        e.event_id
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
        and e.activity_task_scheduled_event_attributes.activity_type.name == "assess_claim"
    }
    for e in history.events:
        attrs = e.activity_task_started_event_attributes
        if e.HasField("activity_task_started_event_attributes") and (
            attrs.scheduled_event_id in scheduled
        ):
            counts[attrs.identity] = counts.get(attrs.identity, 0) + 1
    return counts


async def test_two_llm_workers_share_the_queue_and_one_survives_the_others_death(
    client: Client, engine: AsyncEngine, database_url: str, fake_llm: FakeLlmServer, tmp_path
):
    model = "slow-1.5"
    settings = stack_settings(database_url)
    env = {
        "llm_task_queue": settings.llm_task_queue,
        "llm_model": f"openai/{model}",
        "llm_api_base": fake_llm.api_base,
        "llm_api_key": "sk-test",
        "llm_max_concurrency": "4",
    }
    first = worker_process("llm", client=client, log=tmp_path / "llm-1.log", **env)
    second = worker_process("llm", client=client, log=tmp_path / "llm-2.log", **env)
    try:
        await polling(client, settings.llm_task_queue, first)
        await polling(client, settings.llm_task_queue, second)
        async with running_stack(client, engine, settings, llm_worker=False) as stack:
            policy = await stack.add_policy(f.policy())
            shared = [await stack.start(f.submission(policy.policy_number)) for _ in range(8)]
            await asyncio.gather(*(h.result() for h in shared))
            identities: dict[str, int] = {}
            for handle in shared:
                for identity, count in started_by(await handle.fetch_history()).items():
                    identities[identity] = identities.get(identity, 0) + count
            assert {i.split("@")[0] for i in identities} == {str(first.pid), str(second.pid)}

            # Now kill one mid-assessment: the survivor finishes every claim.
            doomed = [await stack.start(f.submission(policy.policy_number)) for _ in range(6)]
            await wait_for(
                calls_in_flight(fake_llm, model),
                lambda n: n >= 4,
                what="four assessments in flight",
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
            results = await asyncio.wait_for(
                asyncio.gather(*(h.result() for h in doomed)), timeout=120
            )
        assert [r.status for r in results] == [ClaimStatus.PAID] * 6
        # History keeps the last attempt of each activity: every assessment ended on the survivor.
        retried = [started_by(await h.fetch_history()) for h in doomed]
        assert {i.split("@")[0] for r in retried for i in r} == {str(second.pid)}
    finally:
        stop(first, second)


async def test_a_shadow_assessment_survives_its_llm_worker_being_killed_mid_call(
    client: Client, engine: AsyncEngine, database_url: str, fake_llm: FakeLlmServer, tmp_path
):
    candidate = "slow-3.0"
    settings = stack_settings(
        database_url,
        llm_shadow_models=f"openai/{candidate}",
        llm_shadow_prices=f"openai/{candidate}=0.001",
    )
    env = {
        "llm_task_queue": settings.llm_task_queue,
        "llm_api_base": fake_llm.api_base,
        "llm_api_key": "sk-test",
        "database_url": database_url,
    }
    first = worker_process("llm", client=client, log=tmp_path / "llm-1.log", **env)
    second = None
    try:
        await polling(client, settings.llm_task_queue, first)
        async with running_stack(client, engine, settings, llm_worker=False) as stack:
            policy = await stack.add_policy(f.policy())
            handle = await stack.start(f.submission(policy.policy_number))
            await wait_for(
                calls_in_flight(fake_llm, candidate), lambda n: n > 0, what="a shadow in flight"
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
            second = worker_process("llm", client=client, log=tmp_path / "llm-2.log", **env)
            final = await handle.result()
            shadow = client.get_workflow_handle(f"{handle.id}-shadow-1-0")
            outcome = await asyncio.wait_for(shadow.result(), timeout=120)
            async with engine.connect() as conn:
                [row] = await shadows.for_claim(conn=conn, claim_id=final.claim_id)
        # The claim never waited for its shadow; the shadow's call was retried on the new worker
        # after the dead one stopped heartbeating, and its result recorded once.
        assert final.status is ClaimStatus.PAID
        assert (outcome, row.status, row.route) == ("done", "done", "auto_approve")
        retried = started_by(await shadow.fetch_history())
        assert {i.split("@")[0] for i in retried} == {str(second.pid)}
        attempts = [
            e.activity_task_started_event_attributes.attempt
            for e in (await shadow.fetch_history()).events
            if e.HasField("activity_task_started_event_attributes")
            and e.activity_task_started_event_attributes.identity.startswith(str(second.pid))
        ]
        assert max(attempts) >= 2
    finally:
        stop(first, second)
