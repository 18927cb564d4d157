"""Every error is an RFC 9457 problem (`application/problem+json`), and is documented as one."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.main import create_app
from infra.settings import Settings
from tests.support.api import ADMIN, SUBMITTER
from tools import samples as f

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, title: str, path: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == "about:blank"
    assert (body["status"], body["title"], body["instance"]) == (status, title, path)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_an_unknown_key_is_a_401_problem_that_asks_for_a_bearer(http: httpx.AsyncClient):
    response = await http.get("/v1/claims", headers={"Authorization": "Bearer nope"})
    assert_problem(response, 401, "Unauthorized", "/v1/claims")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_forbidden_role_is_a_403_problem(http: httpx.AsyncClient):
    response = await http.post(
        "/v1/policies", headers=SUBMITTER, json=f.policy().model_dump(mode="json")
    )
    assert_problem(response, 403, "Forbidden", "/v1/policies")


async def test_an_unknown_claim_and_an_unknown_route_are_404_problems(http: httpx.AsyncClient):
    claim = f"/v1/claims/{uuid.uuid4()}"
    assert_problem(await http.get(claim, headers=ADMIN), 404, "Not Found", claim)
    assert_problem(await http.get("/v2/nothing", headers=ADMIN), 404, "Not Found", "/v2/nothing")


async def test_a_wrong_method_is_a_405_problem(http: httpx.AsyncClient):
    response = await http.delete("/v1/claims", headers=ADMIN)
    assert_problem(response, 405, "Method Not Allowed", "/v1/claims")


async def test_a_body_over_the_limit_is_a_413_problem(http: httpx.AsyncClient):
    response = await http.post(
        "/v1/claims",
        content=b"x" * (64 * 1024 + 1),
        headers=SUBMITTER | {"Content-Type": "application/json"},
    )
    body = assert_problem(response, 413, "Content Too Large", "/v1/claims")
    assert str(64 * 1024) in body["detail"]


async def test_an_invalid_body_is_a_422_problem_listing_each_field(http: httpx.AsyncClient):
    claim = f.submission_json("P-1") | {"amount": "NaN", "currency": "usd"}
    response = await http.post("/v1/claims", headers=SUBMITTER, json=claim)
    body = assert_problem(response, 422, "Unprocessable Content", "/v1/claims")
    fields = {".".join(map(str, error["loc"])) for error in body["errors"]}
    assert fields == {"body.amount", "body.currency"}
    assert body["detail"].startswith("invalid fields: ")
    assert "body.amount" in body["detail"]
    assert "body.currency" in body["detail"]


def _error_responses(spec: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (path, method, code, response)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if code.startswith(("4", "5"))
    ]


@pytest.fixture
def spec(http: httpx.AsyncClient) -> dict[str, Any]:
    document: dict[str, Any] = http._transport.app.openapi()  # type: ignore[attr-defined]
    return document


def test_every_documented_error_is_a_problem(spec: dict[str, Any]):
    errors = _error_responses(spec)
    assert len(errors) > 50  # every route documents its 4xx
    for path, method, code, response in errors:
        where = f"{method.upper()} {path} {code}"
        content = response.get("content", {})
        assert "application/json" not in content, where
        if content:
            ref = content[PROBLEM_JSON]["schema"]["$ref"]
            expected = "ValidationProblem" if code == "422" else "Problem"
            assert ref == f"#/components/schemas/{expected}", where
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ValidationProblem"]["required"]) >= {
        "title",
        "status",
        "detail",
        "instance",
        "errors",
    }


def test_every_route_that_takes_a_claim_id_documents_its_404(spec: dict[str, Any]):
    for path, operations in spec["paths"].items():
        if "{claim_id}" in path:
            for method, operation in operations.items():
                assert "404" in operation["responses"], f"{method.upper()} {path}"


async def test_an_unexpected_failure_is_a_500_problem_that_tells_nothing_of_it():
    app = create_app(Settings())

    async def boom() -> None:
        raise RuntimeError("secret: claimant ada@example.com")

    app.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.get("/boom")
    body = assert_problem(response, 500, "Internal Server Error", "/boom")
    assert body["detail"] == "internal error"
    assert "ada@" not in response.text
