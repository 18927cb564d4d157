"""REST helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import factories as f
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER


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
    return await http.post(f"/v1/claims/{claim_id}/review", headers=headers, json=body)


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
