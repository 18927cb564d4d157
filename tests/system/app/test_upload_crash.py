"""SIGKILL the API mid-upload and the claims worker mid-announcement: after the sweep, no object
is without its row and no row without its object.

The API is a real `claims api` process, killed at the worst moment we can see from outside: a
row written, its object not yet marked stored. The claims worker is a real `claims worker`,
killed while documents wait for the claim to take them. Both are replaced; the uploads the
client saw fail are sent again, as a client does, but one, which the sweep then removes.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from activities.assessment import LlmConfig
from devstack.processes import free_port
from infra.objects import ObjectStore
from infra.tables import document
from tests.support.api import SUBMITTER, wait_for_claim
from tests.support.files import photo
from tests.support.parking import NEEDS_REVIEW
from tests.support.stack import running_llm_worker, stack_settings
from tools import samples as f
from tools.processes import api_process, run_claims, stop, until_up, worker_process
from tools.waiting import wait_for

UPLOADS = 6


async def slow_body(name: str, data: bytes, boundary: str = "cut") -> AsyncIterator[bytes]:
    """A multipart body sent in small pieces, so a kill lands while it is still arriving."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'
    ).encode()
    for start in range(0, len(data), 16 * 1024):
        yield data[start : start + 16 * 1024]
        await asyncio.sleep(0.01)
    yield f"\r\n--{boundary}--\r\n".encode()


async def send(base: str, claim_id: str, name: str, data: bytes) -> int | None:
    """One upload, as a client sends it (a 429 waits its Retry-After and goes again); None when
    the connection died (the API was killed under it)."""
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while True:
                answer = await http.post(
                    f"/v1/claims/{claim_id}/documents",
                    headers=SUBMITTER | {"Content-Type": "multipart/form-data; boundary=cut"},
                    content=slow_body(name, data),
                )
                if answer.status_code != 429:
                    return answer.status_code
                await asyncio.sleep(float(answer.headers["Retry-After"]))
    except httpx.HTTPError:
        return None


async def rows(engine: AsyncEngine, claim_id: str) -> list[Any]:
    async with engine.connect() as conn:
        found = await conn.execute(
            sa.select(document.c.object_key, document.c.stored_at, document.c.attached_at).where(
                document.c.claim_id == uuid.UUID(claim_id), document.c.object_key.is_not(None)
            )
        )
        return list(found)


async def test_killed_api_and_worker_leave_no_orphan_after_the_sweep(
    client: Client, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    settings = stack_settings(database_url)
    env = {
        "database_url": database_url,
        "task_queue": settings.task_queue,
        "llm_task_queue": settings.llm_task_queue,
        "outbox_task_queue": settings.outbox_task_queue,
        "deployment_name": settings.deployment_name,
        "build_promotion": "always",
    }
    workers: list[subprocess.Popen[bytes]] = []
    apis: list[subprocess.Popen[bytes]] = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def start_worker() -> None:
        log = tmp_path / f"worker-{len(workers)}.log"
        workers.append(worker_process("claims", client=client, log=log, **env))

    def start_api() -> None:
        log = tmp_path / f"api-{len(apis)}.log"
        apis.append(api_process(settings, client=client, port=port, log=log))

    files = {f"photo-{i}.png": photo("PNG", colour=(i * 40, 90, 200)) for i in range(UPLOADS)}
    start_worker()
    llm = LlmConfig(model=settings.llm_model, timeout_s=settings.llm_timeout_s)
    try:
        async with running_llm_worker(client, engine, settings, llm) as stack:
            policy = await stack.add_policy(f.policy())
            submitted = await stack.http.post(
                "/v1/claims",
                headers=SUBMITTER,
                json=f.submission_json(policy.policy_number, amount=NEEDS_REVIEW),
            )
            claim_id = submitted.json()["claim_id"]
            await wait_for_claim(stack.http, claim_id, {"awaiting_review"})
            start_api()
            await until_up(base)

            # 1. The API dies with an upload's row written and its object not marked stored.
            uploads = [
                asyncio.create_task(send(base, claim_id, name, data))
                for name, data in files.items()
            ]

            async def unfinished() -> int:
                return sum(1 for r in await rows(engine, claim_id) if r.stored_at is None)

            await wait_for(unfinished, lambda n: n > 0, what="an upload mid-way", every_s=0.01)
            apis[-1].send_signal(signal.SIGKILL)
            answers = await asyncio.gather(*uploads)
            cut = [name for name, code in zip(files, answers, strict=True) if code is None]
            assert cut, "the kill cut no upload short"
            # One client gives up on a file the API had begun storing: the sweep's to remove.
            async with engine.connect() as conn:
                begun = await conn.scalars(
                    sa.select(document.c.name).where(
                        document.c.claim_id == uuid.UUID(claim_id), document.c.stored_at.is_(None)
                    )
                )
                abandoned = sorted(begun)[0]
            cut.remove(abandoned)

            # 2. A new API; the cut uploads are sent again; the claims worker dies while the
            # claim has documents it has not taken yet.
            start_api()
            await until_up(base)
            again = [asyncio.create_task(send(base, claim_id, n, files[n])) for n in cut]

            async def waiting() -> int:
                return sum(
                    1
                    for r in await rows(engine, claim_id)
                    if r.stored_at is not None and r.attached_at is None
                )

            await wait_for(waiting, lambda n: n > 0, what="a document not taken yet", every_s=0.01)
            workers[-1].send_signal(signal.SIGKILL)
            start_worker()
            resent = await asyncio.gather(*again)
            assert all(code in (200, 201, 202) for code in resent), resent
            await wait_for(
                lambda: rows(engine, claim_id),
                lambda found: sum(1 for r in found if r.attached_at is not None) == UPLOADS - 1,
                what="every file taken by the claim",
                timeout_s=120,
            )
    finally:
        stop(*apis, *workers)

    # The operator's command, as an operator runs it (one claim: other tests share the bucket).
    swept = run_claims(
        "documents",
        "sweep",
        "--grace-s",
        "0",
        "--claim-id",
        claim_id,
        client=client,
        database_url=database_url,
    )
    assert swept.returncode == 0, swept.stderr
    print(f"\nuploads cut by the API's SIGKILL: {len(cut) + 1} (one abandoned); {swept.stdout}")
    assert "removed 1 unfinished uploads" in swept.stdout
    objects = ObjectStore.from_settings(settings)
    left = await rows(engine, claim_id)
    stored = {o.key async for o in objects.listing(f"claims/{claim_id}/")}
    assert all(r.stored_at is not None for r in left), "a row without its whole object"
    assert {r.object_key for r in left} == stored, "an object without its row, or the reverse"
    assert len(left) == UPLOADS - 1
