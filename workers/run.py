"""`claims worker --queue claims|llm`: run one worker until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.worker import Worker

from activities.assessment import PostgresDocuments
from activities.payment import LedgerRail
from infra.db import create_engine
from infra.settings import Settings
from infra.temporal import connect
from workers.claims_worker import build_claims_worker
from workers.llm_worker import build_llm_worker, llm_config

log = logging.getLogger("claims.worker")


async def _run_until_signalled(worker: Worker) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with worker:
        log.info("worker ready on task queue %s", worker.task_queue)
        await stop.wait()
        log.info("stopping worker on task queue %s", worker.task_queue)


async def _run_llm_worker(settings: Settings, client: Client) -> None:
    from activities.llm_client import litellm_module

    litellm_module()  # import (slow) before polling, so the first claim is not the one to wait
    # The llm worker writes nothing; a database, when configured, is only read for documents.
    engine = create_engine(settings.database_url, pool_size=2) if settings.database_url else None
    try:
        worker = build_llm_worker(
            client,
            config=llm_config(settings),
            task_queue=settings.llm_task_queue,
            documents=PostgresDocuments(engine) if engine else None,
            max_concurrency=settings.llm_max_concurrency,
        )
        await _run_until_signalled(worker)
    finally:
        if engine is not None:
            await engine.dispose()


async def run_worker(settings: Settings, queue: str) -> None:
    client = await connect(settings)
    if queue == "llm":
        await _run_llm_worker(settings, client)
        return
    if settings.database_url is None:
        raise SystemExit("the claims worker needs CLAIMS_DATABASE_URL")
    engine = create_engine(settings.database_url)
    rail = LedgerRail(settings.payment_blocked_payees.split(","))
    try:
        worker = build_claims_worker(
            client, engine=engine, task_queue=settings.task_queue, rail=rail
        )
        await _run_until_signalled(worker)
    finally:
        await engine.dispose()
