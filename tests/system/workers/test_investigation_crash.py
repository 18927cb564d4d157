"""SIGKILL the llm worker and the claims worker in the middle of investigations, twice.

Real worker processes, the API in-process, the model a fake provider answering each turn in
1 s (tools/fake_llm.py: the offline agent's policy). Each theft claim: a lookup, a question to
the claimant, the wait, the report uploaded, the report read, an answer. Both workers are
killed while turns are in flight before the question, and again after the answers. Every claim
is paid once; a turn is asked again only if it was in flight at a kill (its result never
reached Temporal); the question, an effect on the claimant, is sent once per claim.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from claims.models import Claimant
from infra.settings import Settings
from infra.tables import claim_event, notification, payment
from tests.support.api import api_client, create_policy, submit, wait_for_claim
from tests.support.files import pdf
from tests.support.stack import stack_settings
from tools import samples as f
from tools.fake_llm import FakeLlmServer, calls_in_flight
from tools.processes import stop, worker_process
from tools.waiting import wait_for

MODEL = "slow-1.0"
THEFTS = 4


def start_workers(
    client: Client, settings: Settings, fake_llm: FakeLlmServer, logs: Path, round_: int
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    shared = {
        "database_url": settings.database_url or "",
        "llm_task_queue": settings.llm_task_queue,
    }
    claims = worker_process(
        "claims",
        client=client,
        log=logs / f"claims-{round_}.log",
        task_queue=settings.task_queue,
        outbox_task_queue=settings.outbox_task_queue,
        deployment_name=settings.deployment_name,
        build_promotion="always",
        agent_enabled="true",
        **shared,
    )
    llm = worker_process(
        "llm",
        client=client,
        log=logs / f"llm-{round_}.log",
        llm_model=f"openai/{MODEL}",
        llm_api_base=fake_llm.api_base,
        llm_api_key="sk-test",
        **shared,
    )
    return claims, llm


# A turn answered this long before a kill had its result recorded, or it never will: asking it
# again would be a durability bug. (2 s was too short for CI's loaded machine: a worker starved
# of CPU reported an answered turn later than that.)
RECENT_S = 20.0


async def kill_mid_turn(
    fake_llm: FakeLlmServer, workers: tuple[subprocess.Popen[bytes], ...]
) -> set[tuple[str, int]]:
    """SIGKILL the workers while a turn is in flight; the turns whose result may not have
    reached Temporal: in flight, or answered in the last RECENT_S seconds (the worker may have
    died before reporting it: on a loaded machine, reporting takes seconds)."""
    await wait_for(calls_in_flight(fake_llm, MODEL), lambda n: n > 0, what="a turn in flight")
    for worker in workers:
        worker.send_signal(signal.SIGKILL)
    for worker in workers:
        worker.wait()
    # Read after the kill: a request the dead worker sent is still held by the fake server
    # (it answers a second later, to nobody), so every turn cut short is in this set.
    stats = fake_llm.stats
    in_flight = {key for key, n in stats.turns_in_flight.items() if n > 0}
    recent = {k for k, at in stats.turn_answered_at.items() if time.monotonic() - at < RECENT_S}
    return in_flight | recent


async def counted(engine: AsyncEngine, claim_ids: list[uuid.UUID]) -> dict[str, int]:
    async with engine.connect() as conn:

        async def count(table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
            found = await conn.scalar(
                sa.select(sa.func.count()).where(table.c.claim_id.in_(claim_ids), *where)
            )
            return int(found or 0)

        return {
            "questions": await count(claim_event, claim_event.c.type == "info_requested"),
            "emails": await count(notification, notification.c.kind == "information_requested"),
            "payments": await count(payment),
        }


async def test_investigations_survive_their_workers_killed_before_and_after_a_question(
    client: Client,
    engine: AsyncEngine,
    database_url: str,
    fake_llm: FakeLlmServer,
    tmp_path: Path,
) -> None:
    settings = stack_settings(database_url, agent_enabled=True)
    workers = start_workers(client, settings, fake_llm, tmp_path, 1)
    later: list[subprocess.Popen[bytes]] = []
    try:
        async with api_client(settings, client) as http:
            number = await create_policy(http)
            # Amounts of this test alone: each claim's conversation is its own (the fake
            # provider keys turns by the claim data, which names no claim id).
            amounts = [f"{1311 + i}.17" for i in range(THEFTS)]
            # Each a theft of its own day and claimant: none is a duplicate of another.
            ids = [
                (
                    await submit(
                        http,
                        number,
                        description=f.RED_FLAG_DESCRIPTION,
                        amount=amount,
                        incident_date=dt.date(2026, 6, 1 + i),
                        claimant=Claimant(
                            name="Theo", email=f"theo-{uuid.uuid4().hex}@example.com"
                        ),
                    )
                )["claim_id"]
                for i, amount in enumerate(amounts)
            ]
            interrupted = await kill_mid_turn(fake_llm, workers)
            workers = start_workers(client, settings, fake_llm, tmp_path, 2)
            for claim_id in ids:
                await wait_for_claim(http, claim_id, {"awaiting_info"})
            for claim_id in ids:
                report = pdf(f"Police report for claim {claim_id[:8]}, filed the same day.")
                sent = await http.post(
                    f"/v1/claims/{claim_id}/documents",
                    headers={"Authorization": "Bearer dev-submitter-key"},
                    files={"file": ("police-report.pdf", report, "application/pdf")},
                )
                assert sent.status_code == 201, sent.text
            interrupted |= await kill_mid_turn(fake_llm, workers)
            later = list(start_workers(client, settings, fake_llm, tmp_path, 3))
            ends = [(await wait_for_claim(http, c, {"paid"}))["status"] for c in ids]
        assert ends == ["paid"] * THEFTS
        claim_ids = [uuid.UUID(c) for c in ids]
        assert await counted(engine, claim_ids) == {
            "questions": THEFTS,
            "emails": THEFTS,
            "payments": THEFTS,
        }
        ours = {
            k: n for k, n in fake_llm.stats.turn_calls.items() if any(a in k[0] for a in amounts)
        }
        # Two conversations a claim: its data before the report, and with it listed.
        assert len({k[0] for k in ours}) == 2 * THEFTS
        asked_again = {key for key, n in ours.items() if n > 1}
        assert asked_again <= interrupted, "a turn that had completed was asked again"
        assert interrupted, "no turn was in flight at either kill"
    finally:
        stop(*workers, *later)
