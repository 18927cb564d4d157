"""The API as tests drive it: the FastAPI app (real lifespan) in-process, and REST helpers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from temporalio.client import Client

from app.main import create_app
from claims.lifecycle import TERMINAL_STATUSES, ClaimStatus
from infra.settings import Settings
from tools import samples as f
from tools.waiting import wait_for

SUBMITTER = {"Authorization": "Bearer dev-submitter-key"}
ADJUSTER = {"Authorization": "Bearer dev-adjuster-key"}
ADMIN = {"Authorization": "Bearer dev-admin-key"}
TERMINAL = {str(status) for status in TERMINAL_STATUSES}


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

    async def read() -> dict[str, Any]:
        response = await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)
        body: dict[str, Any] = response.json()
        return body if response.status_code == 200 else {"status": None, "http": body}

    def reached(body: dict[str, Any]) -> bool:
        status = body["status"]
        recorded = {e["type"] for e in body.get("events", ())}
        return status in statuses and ClaimStatus(status).recorded_by in recorded

    return await wait_for(read, reached, what=f"claim {claim_id} to be {sorted(statuses)}")


async def create_policy(http: httpx.AsyncClient, **overrides: Any) -> str:
    policy = f.policy(**overrides)
    response = await http.post("/v1/policies", headers=ADMIN, json=policy.model_dump(mode="json"))
    assert response.status_code == 201, response.text
    return policy.policy_number


async def submit(
    http: httpx.AsyncClient, number: str, headers: dict[str, str] | None = None, **overrides: Any
) -> dict[str, Any]:
    response = await http.post(
        "/v1/claims",
        headers=SUBMITTER | (headers or {}),
        json=f.submission_json(number, **overrides),
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["Location"] == f"/v1/claims/{body['claim_id']}"
    assert body["workflow_id"] == f"claim-{body['claim_id']}"
    return body


async def review(
    http: httpx.AsyncClient, claim_id: str, headers: dict[str, str] = ADJUSTER, **body: Any
) -> httpx.Response:
    """POST a review as a client does: a 503 with Retry-After (the claim's workflow could not
    take it just now; nothing was taken) is asked again, a few times; any other answer is the
    test's to judge (a 409 "catching up" included)."""
    url = f"/v1/claims/{claim_id}/review"
    for _ in range(5):
        answer = await http.post(url, headers=headers, json=body)
        if answer.status_code != 503 or "Retry-After" not in answer.headers:
            return answer
        await asyncio.sleep(float(answer.headers["Retry-After"]))
    return answer


async def add_document(
    http: httpx.AsyncClient, claim_id: str, text: str, name: str = "evidence.txt"
) -> httpx.Response:
    return await http.post(
        f"/v1/claims/{claim_id}/documents",
        headers=SUBMITTER,
        json={"name": name, "content_type": "text/plain", "text": text},
    )


async def cancel(
    http: httpx.AsyncClient, claim_id: str, reason: str | None = None
) -> httpx.Response:
    body = {"reason": reason} if reason else None
    return await http.post(f"/v1/claims/{claim_id}/cancel", headers=SUBMITTER, json=body)
