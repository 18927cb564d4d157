"""`claims worker --queue claims|llm`: run one worker until SIGINT/SIGTERM.

Boot: Temporal (and Postgres for the claims worker) are retried until CLAIMS_CONNECT_TIMEOUT_S,
then the worker exits 2 with the reason. Shutdown: on SIGTERM the worker stops polling, lets
in-flight activities finish for CLAIMS_WORKER_GRACEFUL_SHUTDOWN_S (then cancels them so Temporal
retries them elsewhere) and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker
from tenacity import AsyncRetrying, before_sleep_log, stop_after_delay, wait_exponential

from activities.document_source import PostgresDocuments
from activities.document_sweep import DocumentSweep, sweep_every
from activities.payment import LedgerRail
from infra.db import create_engine
from infra.objects import ObjectStore
from infra.settings import Settings
from infra.telemetry import configure_tracing, tracing_interceptors, worker_runtime
from infra.temporal import connect_with_retry
from workers.build_id import build_id
from workers.claims_worker import build_claims_worker, document_vault
from workers.health import keep_heartbeat
from workers.llm_worker import build_llm_worker, llm_config
from workers.outbox_worker import (
    OutboxWaker,
    build_outbox_worker,
    end_legacy_relays,
    start_dispatchers,
)
from workers.versioning import deployment_config, join_deployment

log = logging.getLogger(__name__)

BOOT_FAILED = 2


class BootError(RuntimeError):
    """A dependency stayed unreachable for the whole boot timeout."""


async def _postgres_ready(engine: AsyncEngine, settings: Settings) -> None:
    async for attempt in AsyncRetrying(
        stop=stop_after_delay(settings.connect_timeout_s),
        wait=wait_exponential(multiplier=0.5, max=5),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    ):
        with attempt:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))


async def _run_until_signalled(
    worker: Worker,
    settings: Settings,
    *,
    beside: Sequence[Worker] = (),
    once_polling: Callable[[], Coroutine[Any, Any, None]] | None = None,
    housekeeping: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> None:
    """Run `worker` (and the workers `beside` it, in the same process) until signalled.

    `once_polling` runs beside them once they poll (joining the Worker Deployment);
    `housekeeping` loops run beside them until the signal.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with contextlib.AsyncExitStack() as running:
        for other in beside:
            await running.enter_async_context(other)
            log.info("worker ready on task queue %s", other.task_queue)
        await running.enter_async_context(worker)
        log.info("worker ready on task queue %s", worker.task_queue)
        joined = asyncio.create_task(once_polling()) if once_polling else None
        chores = [asyncio.create_task(chore()) for chore in housekeeping]
        heartbeat = None
        if settings.worker_health_file is not None:
            heartbeat = asyncio.create_task(
                keep_heartbeat(
                    worker.client, settings.worker_health_file, settings.worker_health_interval_s
                )
            )
        await stop.wait()
        if joined is not None and not joined.done():
            joined.cancel()
        for chore in chores:
            chore.cancel()
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        log.info("stopping worker on task queue %s: finishing in-flight work", worker.task_queue)
    log.info("worker on task queue %s stopped", worker.task_queue)


def _capacity(settings: Settings) -> dict[str, Any]:
    return {
        "graceful_shutdown_timeout": timedelta(seconds=settings.worker_graceful_shutdown_s),
    }


async def _connect(settings: Settings) -> Client:
    try:
        return await connect_with_retry(
            settings,
            runtime=worker_runtime(settings.worker_metrics_port, settings.worker_metrics_host),
            interceptors=tracing_interceptors(settings),
        )
    except ValueError as exc:
        # A setting (the key ring, TLS, auth) read before any attempt: not Temporal's fault.
        raise BootError(f"invalid configuration: {exc}") from exc
    except Exception as exc:
        raise BootError(
            f"Temporal at {settings.temporal_target} unreachable after "
            f"{settings.connect_timeout_s:.0f}s: {exc}"
        ) from exc


async def _engine(url: str, settings: Settings, pool_size: int) -> AsyncEngine:
    # Every query of a worker runs in a retried activity: no ping per checkout (4% of the
    # claims worker's CPU under load); a connection a restart killed fails one attempt.
    engine = create_engine(url, pool_size=pool_size, pre_ping=False)
    try:
        await _postgres_ready(engine, settings)
    except Exception as exc:
        await engine.dispose()
        raise BootError(
            f"Postgres unreachable after {settings.connect_timeout_s:.0f}s: {exc}"
        ) from exc
    return engine


async def _run_llm_worker(settings: Settings) -> None:
    client = await _connect(settings)
    # The llm worker writes nothing; a database, when configured, is only read for documents.
    url = settings.database_url
    engine = await _engine(url, settings, pool_size=2) if url else None
    try:
        worker = build_llm_worker(
            client,
            config=llm_config(settings),
            task_queue=settings.llm_task_queue,
            documents=PostgresDocuments(engine, document_vault(settings)) if engine else None,
            max_concurrency=settings.llm_max_concurrency,
            **_capacity(settings),
        )
        await _run_until_signalled(worker, settings)
    finally:
        if engine is not None:
            await engine.dispose()


async def _run_claims_worker(settings: Settings) -> None:
    if settings.database_url is None:
        raise BootError("the claims worker needs CLAIMS_DATABASE_URL")
    client = await _connect(settings)
    engine = await _engine(settings.database_url, settings, pool_size=10)
    rail = LedgerRail(settings.payment_blocked_payees.split(","))
    build = build_id(settings)
    deployment = deployment_config(settings.deployment_name, build)
    log.info("claims worker of build %s, deployment %s", build, settings.deployment_name)
    try:
        worker = build_claims_worker(
            client,
            engine=engine,
            task_queue=settings.task_queue,
            deployment=deployment,
            rail=rail,
            wake=OutboxWaker(client, settings),
            shadows=settings.shadow_specs,
            shadow_sample=settings.llm_shadow_sample,
            shadow_budget_usd=settings.llm_shadow_budget_usd,
            shadow_prices=settings.shadow_prices,
            vault=document_vault(settings),
            agent=settings.agent_limits(),
            max_concurrent_activities=settings.worker_max_concurrent_activities,
            max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
            max_cached_workflows=settings.workflow_cache_size,
            **_capacity(settings),
        )
        outbox = build_outbox_worker(
            client,
            engine=engine,
            settings=settings,
            key_ring=settings.key_ring(),
            deployment=deployment,
            **_capacity(settings),
        )
        await start_dispatchers(client, settings)
        try:
            ended = await end_legacy_relays(client)
        except RPCError as exc:
            # Housekeeping only: a namespace whose visibility cannot list them keeps them.
            log.warning("could not list relays of the earlier outbox design: %s", exc)
        else:
            if ended:
                log.info("ended %d per-subscription relays of the earlier outbox design", ended)
        await _run_until_signalled(
            worker,
            settings,
            beside=[outbox],
            once_polling=partial(
                join_deployment,
                client,
                settings.deployment_name,
                build,
                settings.build_promotion,
            ),
            housekeeping=[
                partial(
                    sweep_every,
                    DocumentSweep(engine, ObjectStore.from_settings(settings)),
                    every_s=settings.documents_sweep_every_s,
                    grace_s=settings.documents_sweep_grace_s,
                )
            ],
        )
    finally:
        await engine.dispose()


async def run_worker(settings: Settings, queue: str) -> int:
    """Run the worker of `queue`; return the process exit code."""
    configure_tracing(settings, f"claims-{queue}-worker")
    try:
        if queue == "llm":
            await _run_llm_worker(settings)
        else:
            await _run_claims_worker(settings)
    except BootError as exc:
        log.error("worker could not start: %s", exc)
        return BOOT_FAILED
    return 0
