"""401, 403, 404 and 422: refused requests start nothing and write nothing."""

import logging
import uuid
from collections.abc import Sequence

import httpx
import pytest
import sqlalchemy as sa
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import DataConverter, PayloadCodec

from infra.encryption import KeyRingError
from infra.tables import claim
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, api_client
from tests.support.stack import Stack
from tools import samples as f


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/claims"),
        ("POST", "/v1/claims"),
        ("GET", f"/v1/claims/{f.NO_SUCH_CLAIM}"),
        ("POST", f"/v1/claims/{f.NO_SUCH_CLAIM}/review"),
        ("POST", "/v1/policies"),
        ("GET", "/v1/policies/P-1"),
    ],
)
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}]
)
async def test_every_v1_route_needs_a_valid_key(http: httpx.AsyncClient, method, path, headers):
    response = await http.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["detail"] == "missing or invalid API key"


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/v1/policies", SUBMITTER),
        ("POST", "/v1/policies", ADJUSTER),
        ("POST", "/v1/claims", ADJUSTER),
        ("POST", f"/v1/claims/{f.NO_SUCH_CLAIM}/review", SUBMITTER),
    ],
)
async def test_roles_are_enforced(http: httpx.AsyncClient, method, path, headers):
    response = await http.request(method, path, headers=headers, json={})
    assert response.status_code == 403
    assert "may not" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"])
async def test_operational_routes_need_no_token(http: httpx.AsyncClient, path):
    response = await http.get(path)
    assert response.status_code == 200


async def test_readyz_reports_its_dependencies_and_the_codec(http: httpx.AsyncClient):
    assert (await http.get("/readyz")).json() == {
        "status": "ready",
        "postgres": "ok",
        "temporal": "ok",
        "codec": "ok",
    }


class _KeyRingGone(PayloadCodec):
    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        raise KeyRingError("the encryption key ring is empty")

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        raise KeyRingError("the encryption key ring is empty")


async def test_a_broken_key_ring_is_an_error_in_the_log_and_in_readyz(
    stack: Stack, client: Client, caplog: pytest.LogCaptureFixture
):
    config = client.config()
    config["data_converter"] = DataConverter(payload_codec=_KeyRingGone())
    broken = Client(**config)
    async with api_client(stack.settings, broken) as http:
        answered = await http.get("/readyz")
    assert answered.status_code == 503
    assert answered.json()["codec"] == "failing"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("payload codec fails" in r.getMessage() for r in errors)


async def test_unknown_claim_and_policy_are_404(http: httpx.AsyncClient):
    missing = uuid.uuid4()
    assert (await http.get(f"/v1/claims/{missing}", headers=ADMIN)).status_code == 404
    review = await http.post(
        f"/v1/claims/{missing}/review", headers=ADJUSTER, json={"decision": "approve"}
    )
    assert review.status_code == 404
    assert (await http.get("/v1/policies/P-nope", headers=ADMIN)).status_code == 404


def field_of(response: httpx.Response) -> list[str]:
    return [".".join(str(p) for p in error["loc"]) for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5.00"}, "body.amount"),
        ({"amount": "12.345"}, "body.amount"),
        ({"currency": "usd"}, "body.currency"),
        ({"claim_type": "pets"}, "body.claim_type"),
        ({"incident_date": "yesterday"}, "body.incident_date"),
        ({"incident_date": "2999-01-01"}, "body.incident_date"),
        ({"claimant": {"name": "A", "email": "not-an-email"}}, "body.claimant.email"),
        ({"description": ""}, "body.description"),
        ({"surprise": 1}, "body.surprise"),
    ],
)
async def test_malformed_claims_are_422_naming_the_field_and_start_nothing(
    http: httpx.AsyncClient, stack: Stack, change, field
):
    number = f.policy_number()
    body = f.submission_json(number) | change
    response = await http.post("/v1/claims", headers=SUBMITTER, json=body)
    assert response.status_code == 422
    assert field in field_of(response)
    async with stack.engine.connect() as conn:
        count = await conn.scalar(sa.select(sa.func.count()).where(claim.c.policy_number == number))
    assert count == 0
    workflows = [w async for w in stack.client.list_workflows(f"PolicyNumber = '{number}'")]
    assert workflows == []


async def test_missing_field_and_broken_json_are_422(http: httpx.AsyncClient):
    body = f.submission_json("P-1")
    del body["policy_number"]
    response = await http.post("/v1/claims", headers=SUBMITTER, json=body)
    assert (response.status_code, field_of(response)) == (422, ["body.policy_number"])
    broken = await http.post(
        "/v1/claims",
        headers=SUBMITTER | {"Content-Type": "application/json"},
        content=b'{"policy_number": ',
    )
    assert broken.status_code == 422


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"coverages": []}, "body.coverages"),
        ({"coverages": ["boats"]}, "body.coverages.0"),
        ({"deductible": "-1"}, "body.deductible"),
        ({"effective_to": "2025-01-01"}, "body"),
        ({"status": "dormant"}, "body.status"),
    ],
)
async def test_malformed_policies_are_422(http: httpx.AsyncClient, change, field):
    body = f.policy().model_dump(mode="json") | change
    response = await http.post("/v1/policies", headers=ADMIN, json=body)
    assert response.status_code == 422
    assert field in field_of(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "body.decision"),
        ({"decision": "approve", "approved_amount": "1.234"}, "body.approved_amount"),
        ({}, "body.decision"),
    ],
)
async def test_malformed_reviews_are_422(http: httpx.AsyncClient, body, field):
    response = await http.post(f"/v1/claims/{uuid.uuid4()}/review", headers=ADJUSTER, json=body)
    assert response.status_code == 422
    assert field in field_of(response)
