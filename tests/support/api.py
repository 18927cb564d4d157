"""The FastAPI app, with its real lifespan, over an in-process HTTP transport."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from temporalio.client import Client

from app.main import create_app
from infra.settings import Settings

SUBMITTER = {"Authorization": "Bearer dev-submitter-key"}
ADJUSTER = {"Authorization": "Bearer dev-adjuster-key"}
ADMIN = {"Authorization": "Bearer dev-admin-key"}
TERMINAL = {"paid", "rejected", "cancelled"}
# The audit event that records each status, so a test waits for the row, not only the live state.
STATUS_EVENT = {
    "submitted": "submitted",
    "assessing": "policy_checked",
    "awaiting_review": "review_requested",
    "awaiting_info": "info_requested",
    "approved": "approved",
    "paying": "payment_started",
    "paid": "paid",
    "rejected": "rejected",
    "cancelled": "cancelled",
}


@asynccontextmanager
async def api_client(settings: Settings, temporal: Client) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, temporal=temporal)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            yield http


async def wait_for_claim(
    http: httpx.AsyncClient, claim_id: str | uuid.UUID, statuses: set[str]
) -> dict[str, Any]:
    """Poll GET /v1/claims/{id} until the claim reaches and records one of `statuses`."""
    async with asyncio.timeout(60):
        while True:
            response = await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)
            if response.status_code == 200:
                body: dict[str, Any] = response.json()
                status = body["status"]
                recorded = {e["type"] for e in body["events"]}
                if status in statuses and STATUS_EVENT[status] in recorded:
                    return body
            await asyncio.sleep(0.1)
