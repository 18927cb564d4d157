"""Liveness, readiness and metrics: no token needed."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.http import metrics
from app.http.deps import HealthDep
from app.services.health import OK

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={
        503: {
            "description": "Temporal or Postgres is unreachable, or the payload codec fails "
            "(same body)"
        }
    },
)
async def readyz(response: Response, health: HealthDep) -> dict[str, str]:
    """Temporal and Postgres are reachable, and payloads encrypt and decrypt."""
    words = await health.readiness()
    ready = all(word == OK for word in words.values())
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ready" if ready else "not ready", **words}


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def prometheus_metrics(health: HealthDep) -> Response:
    """Prometheus exposition: request metrics, plus business figures read from Postgres."""
    figures = await health.business_figures()
    if figures is not None:  # a scrape must still answer: the last snapshot stands
        metrics.BUSINESS.snapshot = figures
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
