"""Liveness, readiness and metrics: no token needed."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import sqlalchemy as sa
from fastapi import APIRouter, Response, status
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.service import RPCError

from app import metrics
from app.deps import ClientDep, EngineDep
from infra import db_errors as failures
from infra.store.stats import business_stats

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 3.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


# What readiness reports: the reason stays in the log, the caller sees only a word.
OK, UNREACHABLE, FAILING = "ok", "unreachable", "failing"


async def _postgres(engine: EngineDep) -> str:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S), engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except (OSError, TimeoutError, SQLAlchemyError) as exc:
        log.warning("readiness: Postgres unreachable: %s", failures.describe(exc))
        return UNREACHABLE
    return OK


async def _temporal(client: ClientDep) -> str:
    try:
        await client.workflow_service.get_system_info(
            GetSystemInfoRequest(), timeout=timedelta(seconds=PROBE_TIMEOUT_S)
        )
    except (RPCError, TimeoutError) as exc:
        log.warning("readiness: Temporal unreachable: %s", failures.describe(exc))
        return UNREACHABLE
    return OK


async def _codec(client: ClientDep) -> str:
    """The payload codec round-trips: a broken key ring is an error, not "no live state"."""
    try:
        payloads = await client.data_converter.encode([_PROBE])
        [decoded] = await client.data_converter.decode(payloads, [str])
    except Exception:  # whatever breaks the codec breaks every claim: log it whole
        log.exception("readiness: the payload codec fails (CLAIMS_ENCRYPTION_KEYS?)")
        return FAILING
    if decoded != _PROBE:
        log.error("readiness: the payload codec does not round-trip")
        return FAILING
    return OK


_PROBE = "readiness-probe"


@router.get(
    "/readyz",
    responses={
        503: {
            "description": "Temporal or Postgres is unreachable, or the payload codec fails "
            "(same body)"
        }
    },
)
async def readyz(response: Response, engine: EngineDep, client: ClientDep) -> dict[str, str]:
    """Temporal and Postgres are reachable, and payloads encrypt and decrypt."""
    postgres, temporal, codec = await asyncio.gather(
        _postgres(engine), _temporal(client), _codec(client)
    )
    ready = postgres == temporal == codec == OK
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {
        "status": "ready" if ready else "not ready",
        "postgres": postgres,
        "temporal": temporal,
        "codec": codec,
    }


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def prometheus_metrics(engine: EngineDep) -> Response:
    """Prometheus exposition: request metrics, plus business figures read from Postgres."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S), engine.connect() as conn:
            metrics.BUSINESS.snapshot = await business_stats(conn=conn)
    except (OSError, TimeoutError, SQLAlchemyError) as exc:
        # A scrape must still answer; the last snapshot stands.
        log.warning("business metrics not refreshed: %s", failures.describe(exc))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
