"""Per-request observability: request metrics and the claim id for log lines.

FastAPI itself opens the server span of each request (continuing a caller's `traceparent`);
the Temporal client's spans (start workflow, update) become its children, and the workflow's and
activities' spans theirs, through the SDK's TracingInterceptor.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from app.http import metrics
from infra.logging import CLAIM_ID

_CLAIM_PATH = re.compile(r"^/v1/claims/([0-9a-fA-F-]{36})(?:/|$)")

Handler = Callable[[Request], Awaitable[Response]]


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def observe(request: Request, call_next: Handler) -> Response:
        started = time.perf_counter()
        match = _CLAIM_PATH.match(request.url.path)
        CLAIM_ID.set(match.group(1) if match else None)
        response = await call_next(request)
        # A route's template, never the path: one series per route, whatever the path held.
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        method = metrics.method_label(request.method)
        status = metrics.status_label(response.status_code)
        metrics.REQUESTS.labels(method, template, status).inc()
        metrics.REQUEST_SECONDS.labels(method, template).observe(time.perf_counter() - started)
        return response
