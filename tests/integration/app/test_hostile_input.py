"""Hostile input is refused at the edge: a 4xx naming the field, never a 500, nothing started."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from app.services import pagination
from app.services.submission import claim_id_for
from contracts import workflow_id_for
from infra.settings import Settings
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, create_policy, submit
from tools import samples as f

HOSTILE_TEXT = {
    "NUL": "before\u0000after",
    "bell": "ring\u0007",
    "escape": "\u001b[31mred",
    "C1 control": "next\u0085line",
    "lone surrogate": "half \ud800 a pair",
}


def _raw_json(body: dict[str, Any]) -> bytes:
    # json.dumps escapes a lone surrogate as \ud800, exactly what a hostile client sends.
    return json.dumps(body).encode()


async def _post_raw(
    http: httpx.AsyncClient, path: str, raw: bytes, headers: dict[str, str]
) -> httpx.Response:
    return await http.post(
        path, content=raw, headers=headers | {"Content-Type": "application/json"}
    )


def _fields_named(response: httpx.Response) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["errors"]]


async def _no_workflow_for(client: Client, key: str) -> bool:
    """True when no claim workflow was started for the submitter's Idempotency-Key."""
    caller = Settings().dev_submitter
    handle = client.get_workflow_handle(workflow_id_for(claim_id_for(caller, key)))
    try:
        await handle.describe()
    except RPCError as err:
        return err.status == RPCStatusCode.NOT_FOUND
    return False


@pytest.mark.parametrize("kind", HOSTILE_TEXT)
@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("claimant.name", ["claimant", "name"]),
        ("claimant.email", ["claimant", "email"]),
        ("description", ["description"]),
    ],
)
async def test_a_claim_with_hostile_text_is_refused_naming_the_field(
    http: httpx.AsyncClient, client: Client, kind: str, field: str, path: list[str]
) -> None:
    body = f.submission_json("P-1")
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = HOSTILE_TEXT[kind] + ("@example.com" if path[-1] == "email" else "")
    key = uuid.uuid4().hex
    headers = SUBMITTER | {"Idempotency-Key": key}
    response = await _post_raw(http, "/v1/claims", _raw_json(body), headers)
    assert response.status_code == 422, response.text
    assert ["body", *path] in _fields_named(response)
    assert await _no_workflow_for(client, key)


async def test_free_text_keeps_line_breaks_and_tabs(http: httpx.AsyncClient) -> None:
    number = await create_policy(http)
    description = "Line one.\n\tIndented line two.\r\nLine three."
    created = await submit(http, number, description=description)
    got = (await http.get(f"/v1/claims/{created['claim_id']}", headers=ADMIN)).json()
    assert got["description"] == description


@pytest.mark.parametrize("kind", HOSTILE_TEXT)
async def test_hostile_text_in_a_policy_review_cancel_or_document_is_refused(
    http: httpx.AsyncClient, kind: str
) -> None:
    text = HOSTILE_TEXT[kind]
    policy = f.policy().model_dump(mode="json") | {"holder_name": text}
    some_claim = uuid.uuid4()
    cases = [
        ("/v1/policies", policy, ADMIN, ["body", "holder_name"]),
        (
            f"/v1/claims/{some_claim}/review",
            {"decision": "reject", "note": text},
            ADJUSTER,
            ["body", "note"],
        ),
        (f"/v1/claims/{some_claim}/cancel", {"reason": text}, SUBMITTER, ["body", "reason"]),
        (
            f"/v1/claims/{some_claim}/documents",
            {"name": text, "text": "fine"},
            SUBMITTER,
            ["body", "name"],
        ),
        (
            f"/v1/claims/{some_claim}/documents",
            {"name": "fine.txt", "text": text},
            SUBMITTER,
            ["body", "text"],
        ),
    ]
    for path, body, headers, loc in cases:
        response = await _post_raw(http, path, _raw_json(body), headers)
        assert response.status_code == 422, (path, response.text)
        assert loc in _fields_named(response), (path, response.text)


@pytest.mark.parametrize(
    "amount",
    [
        b"NaN",
        b"Infinity",
        b"-Infinity",
        b"1e400",
        b'"NaN"',
        b'"Infinity"',
        b'"1e400"',
        b'""',
        b'"1e3"',
        b"1250.0",
        b"1250",
        b'"12.345"',
        b'"-5.00"',
        b'" 5.00"',
        b'"0"',
    ],
)
async def test_an_amount_must_be_a_finite_decimal_string(
    http: httpx.AsyncClient, amount: bytes
) -> None:
    body = f.submission_json("P-1")
    body["amount"] = "__AMOUNT__"
    raw = _raw_json(body).replace(b'"__AMOUNT__"', amount)
    response = await _post_raw(http, "/v1/claims", raw, SUBMITTER)
    assert response.status_code == 422, response.text
    assert ["body", "amount"] in _fields_named(response)


async def test_a_review_amount_refuses_non_finite_numbers(http: httpx.AsyncClient) -> None:
    raw = b'{"decision": "approve", "approved_amount": NaN}'
    response = await _post_raw(http, f"/v1/claims/{uuid.uuid4()}/review", raw, ADJUSTER)
    assert response.status_code == 422
    assert ["body", "approved_amount"] in _fields_named(response)


# "%00" reaches the server as a NUL; httpx itself refuses a raw one.
@pytest.mark.parametrize("number", ["P%00x", "P 1", "..%2Fetc", "P%C3%A9", "x" * 65])
async def test_policy_numbers_in_paths_and_queries_have_a_pattern(
    http: httpx.AsyncClient, number: str
) -> None:
    by_path = await http.get(f"/v1/policies/{number}", headers=ADMIN)
    assert by_path.status_code in (404, 422), by_path.text
    if by_path.status_code == 422:
        assert ["path", "policy_number"] in _fields_named(by_path)
    by_query = await http.get("/v1/claims", params={"policy_number": number}, headers=ADMIN)
    assert by_query.status_code == 422
    assert ["query", "policy_number"] in _fields_named(by_query)


@pytest.mark.parametrize(
    "cursor",
    [
        "junk!",
        pagination.encode(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), uuid.UUID(int=0)) + "=",
        "bm90IGEgY3Vyc29y",  # "not a cursor"
        # A naive timestamp, a date only, and year 1: each decodes but none is ours.
        "MjAyNi0wMS0wMVQwMDowMDowMHwwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA",
        "MjAyNi0wMS0wMXwwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA",
        "MDAwMS0wMS0wMVQwMDowMDowMCswMDowMHwwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA",
    ],
)
async def test_a_cursor_not_made_by_the_api_is_422(http: httpx.AsyncClient, cursor: str) -> None:
    response = await http.get("/v1/claims", params={"cursor": cursor}, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert ["query", "cursor"] in _fields_named(response)


@pytest.mark.parametrize("key", ["has space", "tab\tkey", "é-accent", ""])
async def test_an_idempotency_key_is_visible_ascii(http: httpx.AsyncClient, key: str) -> None:
    body = f.submission_json("P-1")
    headers: dict[str, Any] = SUBMITTER | {"Idempotency-Key": key.encode()}
    response = await http.post("/v1/claims", json=body, headers=headers)
    assert response.status_code == 422, response.text


async def test_a_huge_invalid_body_gives_a_small_422(http: httpx.AsyncClient) -> None:
    # 60 KiB of bad fields (under the body limit): the error names them without echoing them.
    body = {f"field_{i}": "x" * 600 for i in range(100)}
    response = await http.post("/v1/policies", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert len(response.content) < 8_000
    assert "xxxxxxxx" not in response.text
    assert response.json()["errors"][-1]["type"] == "too_many_errors"


async def test_malformed_json_and_bad_utf8_are_4xx(http: httpx.AsyncClient) -> None:
    for raw in [b"{", b"\xff\xfe{}", b'{"policy_number": "\xc3"}', b"[]", b"null", b"\x00"]:
        response = await _post_raw(http, "/v1/claims", raw, SUBMITTER)
        assert 400 <= response.status_code < 500, (raw, response.text)


# --- body limits ---------------------------------------------------------------------------


class _Counting:
    """A chunked request body that counts how much of it the server pulled."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total = total
        self.chunk = chunk
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += self.chunk
            yield b" " * self.chunk


async def test_a_chunked_body_without_a_key_is_refused_before_it_is_read(
    http: httpx.AsyncClient,
) -> None:
    body = _Counting(300 * 1024 * 1024)
    response = await http.post("/v1/claims", content=body.__aiter__())
    assert response.status_code == 401
    assert body.sent <= body.chunk


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/v1/claims", 64 * 1024), (f"/v1/claims/{f.NO_SUCH_CLAIM}/documents", 8 * 1024 * 1024)],
)
async def test_a_chunked_body_stops_being_read_at_the_routes_limit(
    http: httpx.AsyncClient, path: str, limit: int
) -> None:
    body = _Counting(300 * 1024 * 1024)
    response = await http.post(
        path, content=body.__aiter__(), headers=SUBMITTER | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert str(limit) in response.json()["detail"]
    assert body.sent <= limit + body.chunk


async def test_a_declared_length_over_the_limit_is_refused_unread(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post(
        "/v1/claims",
        content=b"x" * (64 * 1024 + 1),
        headers=SUBMITTER | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
