"""Information requests, documents, cancellation and their refusals, over REST."""

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from temporalio.client import Client

from infra.tables import document
from tests.support.api import (
    ADJUSTER,
    ADMIN,
    SUBMITTER,
    TERMINAL,
    add_document,
    cancel,
    create_policy,
    review,
    submit,
    wait_for_claim,
)
from tests.support.history import decoded_payloads
from tests.support.stack import Stack
from tools import samples as f
from tools.waiting import wait_for

THEFT = "My bicycle was stolen from outside the office."


async def documents_of(stack: Stack, claim_id: str) -> list[str]:
    async with stack.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(document.c.name).where(document.c.claim_id == uuid.UUID(claim_id))
        )
    return [r.name for r in rows]


async def test_request_info_then_a_document_reassesses_and_pays(
    http: httpx.AsyncClient, stack: Stack, client: Client
):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    asked = await review(
        http, claim_id, decision="request_info", message_to_claimant="Send the police report."
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "awaiting_info"
    secret = "Police report 2026-0042 filed at the central station; case officer Smith."
    added = await add_document(http, claim_id, secret, name="police-report.txt")
    assert added.status_code == 201, added.text
    assert added.json()["size_bytes"] == len(secret)
    paid = await wait_for_claim(http, claim_id, TERMINAL)
    assert paid["status"] == "paid"
    types = [e["type"] for e in paid["events"]]
    assert types.index("info_requested") < types.index("document_added")
    assert types.count("assessed") == 2
    assert paid["decision"]["decided_by"] == "model"
    assert [d["name"] for d in paid["documents"]] == ["police-report.txt"]
    # The document lives in Postgres; only its id travelled through Temporal (encrypted).
    decoded = await decoded_payloads(client, f"claim-{claim_id}")
    assert added.json()["document_id"].encode() in decoded
    assert b"case officer Smith" not in decoded


async def test_request_info_needs_a_message_to_the_claimant_not_just_a_note(
    http: httpx.AsyncClient,
):
    for body in ({"decision": "request_info"}, {"decision": "request_info", "note": "internal"}):
        response = await http.post(f"/v1/claims/{uuid.uuid4()}/review", headers=ADJUSTER, json=body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "message_to_claimant"]


async def test_a_claim_awaiting_info_cannot_be_reviewed(http: httpx.AsyncClient):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    await review(http, claim_id, decision="request_info", message_to_claimant="Receipt please.")
    refused = await review(http, claim_id, decision="approve")
    assert refused.status_code == 409
    assert "awaiting_info" in refused.json()["detail"]


async def test_cancel_while_awaiting_review_is_terminal(http: httpx.AsyncClient, client: Client):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    cancelled = await cancel(http, claim_id, reason="claimant withdrew")
    assert cancelled.status_code == 202, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    final = await wait_for_claim(http, claim_id, {"cancelled"})
    assert final["events"][-1]["detail"]["reason"] == "claimant withdrew"
    again = await cancel(http, claim_id)
    assert (again.status_code, "cancelled" in again.json()["detail"]) == (409, True)
    reviewed = await review(http, claim_id, decision="approve")
    assert reviewed.status_code == 409
    query = f"WorkflowId = 'claim-{claim_id}' AND ClaimStatus = 'cancelled'"

    async def listed() -> list[str]:
        return [w.id async for w in client.list_workflows(query)]

    # Visibility (what the Web UI searches) follows the history a moment later.
    assert await wait_for(listed, what="the claim listed as cancelled") == [f"claim-{claim_id}"]


async def test_cancel_after_payment_is_refused_with_the_status(http: httpx.AsyncClient):
    number = await create_policy(http)
    claim_id = (await submit(http, number))["claim_id"]
    await wait_for_claim(http, claim_id, TERMINAL)
    refused = await cancel(http, claim_id)
    assert refused.status_code == 409
    assert "paid" in refused.json()["detail"]


async def test_cancel_and_review_of_unknown_claims_are_404(http: httpx.AsyncClient):
    missing = str(uuid.uuid4())
    assert (await cancel(http, missing)).status_code == 404
    assert (await add_document(http, missing, "hello")).status_code == 404


async def test_cancel_needs_a_submitter_or_admin(http: httpx.AsyncClient):
    response = await http.post(f"/v1/claims/{uuid.uuid4()}/cancel", headers=ADJUSTER)
    assert response.status_code == 403


async def test_documents_refused_write_nothing(http: httpx.AsyncClient, stack: Stack):
    number = await create_policy(http)
    claim_id = (await submit(http, number))["claim_id"]
    await wait_for_claim(http, claim_id, TERMINAL)
    settled = await add_document(http, claim_id, "late evidence")
    assert settled.status_code == 409
    assert "paid" in settled.json()["detail"]
    assert await documents_of(stack, claim_id) == []


async def test_oversized_documents_are_413_and_write_nothing(http: httpx.AsyncClient, stack: Stack):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    too_big = await add_document(http, claim_id, "x" * (1024 * 1024 + 1))
    assert too_big.status_code == 413
    far_too_big = await add_document(http, claim_id, "x" * (3 * 1024 * 1024))
    assert far_too_big.status_code == 413
    assert await documents_of(stack, claim_id) == []
    just_fits = await add_document(http, claim_id, "x" * (1024 * 1024))
    assert just_fits.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"name": "a.pdf", "content_type": "application/pdf", "text": "x"},
        {"name": "", "text": "x"},
        {"name": "a.txt", "text": ""},
        {"name": "a.txt"},
    ],
)
async def test_malformed_documents_are_422(http: httpx.AsyncClient, body):
    response = await http.post(f"/v1/claims/{uuid.uuid4()}/documents", headers=SUBMITTER, json=body)
    assert response.status_code == 422


async def test_a_document_on_a_claim_awaiting_review_is_kept_for_the_adjuster(
    http: httpx.AsyncClient,
):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    added = await add_document(http, claim_id, "Photo of the broken lock.", name="lock.txt")
    assert added.status_code == 201
    claim = (await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
    assert claim["status"] == "awaiting_review"
    assert [d["name"] for d in claim["documents"]] == ["lock.txt"]
    assert "document_added" in [e["type"] for e in claim["events"]]


async def test_adjuster_identity_comes_from_the_api_key(stack: Stack, client: Client):
    from tests.support.api import api_client

    settings = stack.settings.model_copy(
        update={"api_keys": "sub-key:submitter:portal,adj-key:adjuster:alice.adjuster,adm:admin"}
    )
    async with api_client(settings, client) as http:
        number = f.policy_number()
        policy = f.policy(policy_number=number)
        admin = {"Authorization": "Bearer adm"}
        await http.post("/v1/policies", headers=admin, json=policy.model_dump(mode="json"))
        response = await http.post(
            "/v1/claims",
            headers={"Authorization": "Bearer sub-key"},
            json=f.submission_json(number, description=THEFT),
        )
        claim_id = response.json()["claim_id"]
        await wait_for_claim_with(http, admin, claim_id)
        reviewed = await http.post(
            f"/v1/claims/{claim_id}/review",
            headers={"Authorization": "Bearer adj-key"},
            json={"decision": "reject", "note": "no proof of ownership"},
        )
        assert reviewed.status_code == 200
        decision = reviewed.json()["decision"]
        assert decision["adjuster"] == {"name": "alice.adjuster", "role": "adjuster"}
        assert decision["note"] == "no proof of ownership"


async def wait_for_claim_with(http: httpx.AsyncClient, headers: dict[str, str], claim_id: str):
    async def read() -> dict[str, Any]:
        body: dict[str, Any] = (await http.get(f"/v1/claims/{claim_id}", headers=headers)).json()
        return body

    return await wait_for(
        read, lambda body: body.get("status") == "awaiting_review", what="awaiting_review"
    )
