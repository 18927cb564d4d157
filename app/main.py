"""The FastAPI application: clients are built in the lifespan and kept on `app.state`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from temporalio.client import Client

from app import observability
from app.routes import actions, claims, health, policies
from infra.db import create_engine
from infra.settings import Settings
from infra.telemetry import tracing_interceptor
from infra.temporal import connect_with_retry

MAX_REQUEST_BYTES = 2 * 1024 * 1024


def create_app(settings: Settings, *, temporal: Client | None = None) -> FastAPI:
    """Build the app; pass `temporal` to reuse an existing client (tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.database_url is None:
            raise RuntimeError("the API needs CLAIMS_DATABASE_URL")
        app.state.settings = settings
        app.state.engine = create_engine(settings.database_url)
        app.state.temporal = temporal or await connect_with_retry(
            settings, interceptors=[tracing_interceptor()]
        )
        try:
            yield
        finally:
            await app.state.engine.dispose()

    app = FastAPI(
        title="Claims service",
        version="1",
        summary="Durable insurance claims: submit, assess, review, pay exactly once.",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    app.include_router(policies.router)
    app.include_router(claims.router)
    app.include_router(actions.router)

    @app.middleware("http")
    async def refuse_oversized_bodies(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Refuse before reading: a document is at most 1 MiB of text, so no request needs more
        # than twice that once JSON-escaped.
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            return JSONResponse(
                {"detail": f"request body is {length} bytes; the limit is {MAX_REQUEST_BYTES}"},
                status_code=413,
            )
        return await call_next(request)

    observability.install(app)

    return app
