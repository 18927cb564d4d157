"""The FastAPI application: clients are built in the lifespan and kept on `app.state`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import Client

from app.console import routes as console
from app.console.pages import STATIC_DIR
from app.http import errors, observability, problems
from app.http.api_docs import install_offline_docs
from app.http.cors import CodecCorsMiddleware
from app.http.limits import BodyLimitMiddleware
from app.routes import (
    actions,
    claims,
    codec,
    codec_login,
    documents,
    health,
    policies,
    webhooks,
)
from app.services.errors import ServiceError
from app.services.wiring import build_services
from infra.db import create_engine
from infra.settings import Settings
from infra.store import principals
from infra.telemetry import tracing_interceptors
from infra.temporal import connect_with_retry


def create_app(settings: Settings, *, temporal: Client | None = None) -> FastAPI:
    """Build the app; pass `temporal` to reuse an existing client (tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.database_url is None:
            raise RuntimeError("the API needs CLAIMS_DATABASE_URL")
        app.state.settings = settings
        app.state.engine = create_engine(settings.database_url)
        # The principals this API accepts, with their roles now: what deliveries are checked
        # against (authorization at use). Every API replica is configured with the same keys.
        async with app.state.engine.begin() as conn:
            await principals.sync(conn=conn, keys=settings.api_key_list)
        app.state.temporal = temporal or await connect_with_retry(
            settings, interceptors=tracing_interceptors(settings)
        )
        # Every service, once, from the clients above (routes reach them via app/http/deps.py).
        app.state.services = build_services(settings, app.state.engine, app.state.temporal)
        try:
            yield
        finally:
            await app.state.engine.dispose()

    app = FastAPI(
        title="Claims service",
        version="1",
        summary="Durable insurance claims: submit, assess, review, pay exactly once.",
        lifespan=lifespan,
        # Served from packaged assets instead of a CDN (app/http/api_docs.py).
        docs_url=None,
        redoc_url=None,
        # One schema per model, whether read or written: a client generator names its classes
        # by schema title, and `Claimant-Input` / `Claimant-Output` share one.
        separate_input_output_schemas=False,
        # Operation ids are the route functions' names (`submit_claim`, not
        # `submit_claim_v1_claims_post`): the names a generated client's functions take.
        generate_unique_id_function=lambda route: route.name,
    )
    install_offline_docs(app)
    app.include_router(health.router)
    app.include_router(policies.router)
    app.include_router(claims.router)
    app.include_router(actions.router)
    app.include_router(documents.router)
    app.include_router(webhooks.router)
    app.include_router(codec.router)
    app.include_router(codec_login.router)
    # The adjuster console: its pages, and its own CSS and script (no CDN: it works offline).
    app.include_router(console.router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")

    app.add_middleware(BodyLimitMiddleware, settings=settings)
    # Only the Temporal Web UI's own origin may call us from a browser, and only the codec.
    app.add_middleware(CodecCorsMiddleware, origins=settings.cors_origins)
    app.add_exception_handler(RequestValidationError, errors.on_validation_error)
    app.add_exception_handler(StarletteHTTPException, errors.on_http_error)
    app.add_exception_handler(ServiceError, errors.on_service_error)
    app.add_exception_handler(Exception, errors.on_unexpected_error)

    observability.install(app)

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        return problems.document(default_openapi())

    app.openapi = openapi  # type: ignore[method-assign]
    return app
