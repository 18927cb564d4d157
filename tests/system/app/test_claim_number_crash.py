"""SIGKILL the API while claims are being submitted: every claim keeps the one number it was
first given, the client's retries (same Idempotency-Key) get it again, and no two claims share
one.

The API is a real `claims api` process, killed once some submissions have taken their numbers
and others are still arriving; the workers are in-process and keep running. A new API takes
the retries, as a client sends them.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.services.submission import claim_id_for
from devstack.processes import free_port
from infra.tables import claim, claim_number
from tests.support.api import SUBMITTER, TERMINAL, create_policy, wait_for_claim
from tests.support.stack import StackFactory, stack_settings
from tools import samples as f
from tools.processes import api_process, stop, until_up
from tools.waiting import wait_for

CLAIMS = 30
SUBMITTER_KEY = stack_settings("").dev_submitter


async def post(base: str, key: str, body: dict[str, object]) -> dict[str, str] | None:
    """One submission; None when the connection died under it (the API was killed)."""
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            answer = await http.post(
                "/v1/claims", headers=SUBMITTER | {"Idempotency-Key": key}, json=body
            )
            assert answer.status_code in (200, 202), answer.text
            found: dict[str, str] = answer.json()
            return found
    except httpx.HTTPError:
        return None


async def numbers_taken(engine: AsyncEngine, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    async with engine.connect() as conn:
        found = await conn.execute(
            sa.select(claim_number.c.claim_id, claim_number.c.number).where(
                claim_number.c.claim_id.in_(ids)
            )
        )
        return {row.claim_id: row.number for row in found}


async def test_a_killed_api_leaves_each_claim_its_first_number(
    make_stack: StackFactory, client: Client, engine: AsyncEngine, tmp_path: Path
) -> None:
    keys = [f"order-{uuid.uuid4()}" for _ in range(CLAIMS)]
    ids = [claim_id_for(SUBMITTER_KEY, key) for key in keys]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    apis: list[subprocess.Popen[bytes]] = []
    async with make_stack() as stack:
        policy = await create_policy(stack.http)
        body = f.submission_json(policy)

        def start_api() -> None:
            log = tmp_path / f"api-{len(apis)}.log"
            apis.append(api_process(stack.settings, client=client, port=port, log=log))

        try:
            start_api()
            await until_up(base)
            first = [asyncio.create_task(post(base, key, body)) for key in keys]
            await wait_for(
                lambda: numbers_taken(engine, ids),
                lambda taken: len(taken) >= 3,
                what="some claims numbered",
                every_s=0.01,
            )
            apis[-1].send_signal(signal.SIGKILL)
            answered = await asyncio.gather(*first)
            before = await numbers_taken(engine, ids)
            cut = sum(1 for a in answered if a is None)
            assert cut, "the kill cut no submission short"

            start_api()
            await until_up(base)
            retried = await asyncio.gather(*(post(base, key, body) for key in keys))
        finally:
            stop(*apis)
        assert all(r is not None for r in retried)
        answers = [r for r in retried if r is not None]
        by_id = {uuid.UUID(a["claim_id"]): a["claim_number"] for a in answers}
        assert set(by_id) == set(ids)
        # What a claim was given before the kill is what every later answer says.
        assert all(by_id[claim_id] == number for claim_id, number in before.items())
        for first_answer in answered:
            if first_answer is not None:
                assert by_id[uuid.UUID(first_answer["claim_id"])] == first_answer["claim_number"]
        assert len(set(by_id.values())) == CLAIMS
        assert all(re.fullmatch(r"CLM-\d{4}-\d{6}", n) for n in by_id.values())
        for claim_id in ids:
            await wait_for_claim(stack.http, str(claim_id), TERMINAL)
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.select(claim.c.claim_id, claim.c.claim_number).where(claim.c.claim_id.in_(ids))
            )
            recorded = {row.claim_id: row.claim_number for row in rows}
    assert recorded == by_id
    print(f"\n{cut} of {CLAIMS} submissions cut by SIGKILL; {len(before)} numbered before it")
