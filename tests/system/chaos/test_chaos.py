"""Chaos: Postgres, the Temporal server and the API each SIGKILLed mid-run and restarted.

Every case ends with every claim finished (paid) or parked, none lost, none paid twice. The
figures are printed (run with `-s` to see them) and asserted.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.services.submission import claim_id_for
from devstack.processes import free_port
from infra.db import create_engine
from infra.store import claims as claim_store
from tests.support import chaos
from tests.support.api import SUBMITTER
from tests.support.stack import Stack, running_stack, stack_settings
from tools import samples as f
from tools.processes import api_process, until_up

CLAIMS = 30
POSTGRES_DOWN_S = 10
SETTLE_S = 180


@pytest.fixture(scope="module")
async def servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[chaos.RestartableServers]:
    async with chaos.restartable_servers(tmp_path_factory.mktemp("chaos")) as running:
        yield running


@pytest.fixture(scope="module")
async def chaos_engine(servers: chaos.RestartableServers) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(servers.database_url)
    yield engine
    await engine.dispose()


async def _policy_and_bodies(stack: Stack, count: int) -> list[dict[str, Any]]:
    policy = await stack.add_policy(f.policy())
    return [f.submission_json(policy.policy_number) for _ in range(count)]


def _report(result: chaos.Outcome, scenario: str, seconds: float) -> None:
    print(result.line(scenario, seconds))
    assert result.lost == 0, result
    assert result.finished == result.submitted, result
    assert result.duplicate_payments == 0, result
    assert result.duplicate_paid_events == 0, result


async def _crash_and_recover(
    servers: chaos.RestartableServers,
    engine: AsyncEngine,
    scenario: str,
    crash: Callable[[], Awaitable[None]],
) -> None:
    """Submit CLAIMS claims, run `crash` (kill and restart a server), and check the outcome."""
    client = await servers.client()
    settings = stack_settings(servers.database_url)
    async with running_stack(client, engine, settings) as stack:
        bodies = await _policy_and_bodies(stack, CLAIMS)
        claim_ids = await chaos.submit_all(stack.http, bodies, SUBMITTER)
        await crash()
        back = time.monotonic()
        result = await chaos.settle(engine, claim_ids, SETTLE_S)
        _report(result, scenario, time.monotonic() - back)
        assert result.by_status == {"paid": CLAIMS}


async def test_postgres_killed_with_claims_in_flight_and_back_10s_later(
    servers: chaos.RestartableServers, chaos_engine: AsyncEngine
) -> None:
    async def crash() -> None:
        # Submission needs only Temporal: claims are accepted, then Postgres dies under them.
        servers.kill(servers.postgres)
        await asyncio.sleep(POSTGRES_DOWN_S)
        await servers.start_postgres()

    await _crash_and_recover(
        servers, chaos_engine, f"postgres SIGKILL, {POSTGRES_DOWN_S}s down", crash
    )


async def test_temporal_killed_mid_run_and_restarted(
    servers: chaos.RestartableServers, chaos_engine: AsyncEngine
) -> None:
    async def crash() -> None:
        await asyncio.sleep(0.5)  # mid-run: some claims recorded, some assessed, some paid
        servers.kill(servers.temporal)
        await asyncio.sleep(3)
        await servers.start_temporal()

    await _crash_and_recover(servers, chaos_engine, "temporal SIGKILL, restarted", crash)


async def test_api_killed_during_posts_and_clients_retry_with_their_keys(
    client: Client, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    settings = stack_settings(database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with running_stack(client, engine, settings) as stack:
        bodies = await _policy_and_bodies(stack, CLAIMS)
        keys = [uuid.uuid4().hex for _ in bodies]
        api = api_process(settings, client=client, port=port, log=tmp_path / "api.log")
        attempts = {"sent": 0, "failed": 0}

        async def submit(body: dict[str, Any], key: str, http: httpx.AsyncClient) -> str:
            # A client system's retry loop: same body, same Idempotency-Key, until answered.
            while True:
                attempts["sent"] += 1
                try:
                    response = await http.post(
                        "/v1/claims", json=body, headers=SUBMITTER | {"Idempotency-Key": key}
                    )
                except httpx.TransportError:
                    attempts["failed"] += 1
                    await asyncio.sleep(0.3)
                    continue
                assert response.status_code in (200, 202), response.text
                return str(response.json()["claim_id"])

        try:
            await until_up(base)
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                tasks = [
                    asyncio.create_task(submit(b, k, http))
                    for b, k in zip(bodies, keys, strict=False)
                ]
                await asyncio.sleep(0.05)  # POSTs are in flight
                api.send_signal(signal.SIGKILL)
                api.wait()
                api = api_process(settings, client=client, port=port, log=tmp_path / "api.log")
                answered = await asyncio.wait_for(asyncio.gather(*tasks), 120)
        finally:
            api.kill()
            api.wait()

        caller = settings.dev_submitter
        expected = [claim_id_for(caller, key) for key in keys]
        assert sorted(answered) == sorted(str(c) for c in expected)
        assert attempts["failed"] > 0, "the kill hit no request in flight"
        back = time.monotonic()
        result = await chaos.settle(engine, expected, SETTLE_S)
        print(
            f"chaos[api SIGKILL]: {attempts['sent']} POSTs sent, {attempts['failed']} cut off "
            "by the kill and retried with the same Idempotency-Key"
        )
        _report(result, "api SIGKILL during POSTs", time.monotonic() - back)
        assert result.by_status == {"paid": CLAIMS}
        # No stray claim: the policy has exactly the claims its clients meant to submit.
        async with engine.connect() as conn:
            rows = await claim_store.list_page(
                conn=conn, limit=CLAIMS * 2, policy_number=bodies[0]["policy_number"]
            )
        assert len(rows) == CLAIMS
