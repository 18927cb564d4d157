"""Liveness, readiness and metrics: no token needed."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import sqlalchemy as sa
from fastapi import APIRouter, Response, status
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from app import metrics
from app.deps import ClientDep, EngineDep
from infra.store.stats import business_stats

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 3.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


async def _postgres_ok(engine: EngineDep) -> bool:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S), engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means not ready; the reason is not the caller's business
        return False
    return True


async def _temporal_ok(client: ClientDep) -> bool:
    try:
        await client.workflow_service.get_system_info(
            GetSystemInfoRequest(), timeout=timedelta(seconds=PROBE_TIMEOUT_S)
        )
    except Exception:  # as above
        return False
    return True


@router.get(
    "/readyz",
    responses={503: {"description": "Temporal or Postgres is unreachable (same body)"}},
)
async def readyz(response: Response, engine: EngineDep, client: ClientDep) -> dict[str, str]:
    """Temporal and Postgres are reachable."""
    postgres, temporal = await asyncio.gather(_postgres_ok(engine), _temporal_ok(client))
    if not (postgres and temporal):
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {
        "status": "ready" if postgres and temporal else "not ready",
        "postgres": "ok" if postgres else "unreachable",
        "temporal": "ok" if temporal else "unreachable",
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
    except Exception:  # a scrape must still answer; the last snapshot stands
        log.warning("business metrics not refreshed: Postgres unavailable", exc_info=True)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
