"""SIGKILL a real claims worker process mid-workflow; another one finishes every claim."""

import asyncio
import signal
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowHandle

from activities.assessment import LlmConfig
from claims.lifecycle import ClaimStatus
from contracts import ClaimState
from infra.tables import claim_event, payment
from tests.support.stack import running_llm_worker, stack_settings
from tools import samples as f
from tools.fake_llm import FakeLlmServer, calls_in_flight
from tools.processes import stop, worker_process
from tools.waiting import wait_for

CLAIMS = 20
PAID_FIRST = 3
MODEL = "slow-1.0"


def start_worker(client: Client, database_url: str, queues: tuple[str, str], log: Path):
    return worker_process(
        "claims",
        client=client,
        log=log,
        database_url=database_url,
        task_queue=queues[0],
        llm_task_queue=queues[1],
    )


def ids_of(handles: list[WorkflowHandle[Any, ClaimState]]) -> list[uuid.UUID]:
    """The claim ids, from the workflow ids (no query: the worker may be dead)."""
    return [uuid.UUID(h.id.removeprefix("claim-")) for h in handles]


async def counts(engine: AsyncEngine, claim_ids: list[uuid.UUID]) -> tuple[int, int, int]:
    """(claims paid, payment rows, `paid` events) over the given claims."""
    async with engine.connect() as conn:
        payments = await conn.scalar(
            sa.select(sa.func.count()).where(payment.c.claim_id.in_(claim_ids))
        )
        settled = await conn.scalar(
            sa.select(sa.func.count()).where(
                payment.c.claim_id.in_(claim_ids), payment.c.status == "settled"
            )
        )
        paid_events = await conn.scalar(
            sa.select(sa.func.count()).where(
                claim_event.c.claim_id.in_(claim_ids), claim_event.c.type == "paid"
            )
        )
    return int(settled or 0), int(payments or 0), int(paid_events or 0)


async def test_killed_worker_is_replaced_and_every_claim_pays_once(
    client: Client, engine: AsyncEngine, database_url: str, fake_llm: FakeLlmServer, tmp_path
):
    settings = stack_settings(database_url)
    queues = (settings.task_queue, settings.llm_task_queue)
    llm = LlmConfig(model=f"openai/{MODEL}", api_base=fake_llm.api_base, api_key="sk-test")
    first = start_worker(client, database_url, queues, tmp_path / "worker-1.log")
    second = None
    try:
        async with running_llm_worker(client, engine, settings, llm) as stack:
            policy = await stack.add_policy(f.policy())

            async def start(count: int) -> list[WorkflowHandle[Any, ClaimState]]:
                return [await stack.start(f.submission(policy.policy_number)) for _ in range(count)]

            # A first few claims paid by the first worker, then the rest started; the worker
            # is killed while those wait for their assessments (the model holds each for 1 s),
            # their submissions and policy checks recorded by its local activities.
            handles = await start(PAID_FIRST)
            await wait_for(
                lambda: counts(engine, ids_of(handles)),
                lambda found: found[0] >= PAID_FIRST,
                what=f"the first {PAID_FIRST} claims paid",
                timeout_s=120,
            )
            handles += await start(CLAIMS - PAID_FIRST)
            await wait_for(
                calls_in_flight(fake_llm, MODEL), lambda n: n > 0, what="an assessment in flight"
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
            claim_ids = ids_of(handles)
            in_flight = CLAIMS - (await counts(engine, claim_ids))[0]
            assert in_flight > 0
            second = start_worker(client, database_url, queues, tmp_path / "worker-2.log")
            async with asyncio.timeout(180):
                results = [await h.result() for h in handles]
        assert [r.status for r in results] == [ClaimStatus.PAID] * CLAIMS
        assert await counts(engine, claim_ids) == (CLAIMS, CLAIMS, CLAIMS)
    finally:
        stop(first, second)
