"""The role-by-route matrix: who may do what to whose claim.

One paid claim owned by the dev submitter is probed by every caller on every route. Actions
that pass the access check meet a settled claim, so they answer 409 and change nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from infra.settings import DEV_API_KEYS
from tests.support.api import SUBMITTER, TERMINAL, create_policy, submit, wait_for_claim
from tests.support.console import console_for
from tests.support.stack import Stack
from tools import samples as f

OTHER_SUBMITTER = "other-submitter-key"
CALLERS: dict[str, dict[str, str]] = {
    "anonymous": {},
    "owner": SUBMITTER,
    "other submitter": {"Authorization": f"Bearer {OTHER_SUBMITTER}"},
    "adjuster": {"Authorization": "Bearer dev-adjuster-key"},
    "admin": {"Authorization": "Bearer dev-admin-key"},
}

# route -> expected status per caller, in CALLERS order.
MATRIX: dict[str, tuple[int, ...]] = {
    "GET /v1/claims/{id}": (401, 200, 404, 200, 200),
    "POST /v1/claims/{id}/cancel": (401, 409, 404, 403, 409),
    # Adjusters attach what reached them by post or phone (as in the console).
    "POST /v1/claims/{id}/documents": (401, 409, 404, 409, 409),
    "POST /v1/claims/{id}/review": (401, 403, 403, 409, 409),
    "POST /v1/claims/{id}/retry": (401, 403, 403, 403, 409),
    "POST /v1/claims": (401, 202, 202, 403, 202),
    "GET /v1/claims": (401, 200, 200, 200, 200),
    "GET /v1/policies/{number}": (401, 200, 200, 200, 200),
    "POST /v1/policies": (401, 403, 403, 403, 200),
    "POST /codec/decode": (401, 403, 403, 200, 200),
    "POST /codec/encode": (401, 403, 403, 200, 200),
}

BODIES: dict[str, Any] = {
    "POST /v1/claims/{id}/cancel": {"reason": "probe"},
    "POST /v1/claims/{id}/documents": {"name": "probe.txt", "text": "probe"},
    "POST /v1/claims/{id}/review": {"decision": "reject", "note": "probe"},
    "POST /codec/decode": {"payloads": []},
    "POST /codec/encode": {"payloads": []},
}


@pytest.fixture(scope="module")
def matrix_keys() -> str:
    return f"{DEV_API_KEYS},{OTHER_SUBMITTER}:submitter:other-submitter"


@pytest.fixture
async def access_stack(make_stack: Any, matrix_keys: str) -> AsyncIterator[Stack]:
    async with make_stack(api_keys=matrix_keys) as stack:
        yield stack


async def _request(
    http: httpx.AsyncClient, route: str, headers: dict[str, str], claim: dict[str, Any]
) -> httpx.Response:
    method, template = route.split(" ")
    path = template.format(id=claim["claim_id"], number=claim["policy_number"])
    if route == "POST /v1/claims":
        return await http.post(path, headers=headers, json=claim["body"])
    if route == "POST /v1/policies":
        return await http.post(path, headers=headers, json=claim["policy"])
    body = BODIES.get(route)
    return await http.request(method, path, headers=headers, json=body)


async def test_the_role_by_route_matrix(access_stack: Stack) -> None:
    http = access_stack.http
    number = await create_policy(http)
    policy = (await http.get(f"/v1/policies/{number}", headers=CALLERS["admin"])).json()
    submitted = await submit(http, number)
    await wait_for_claim(http, submitted["claim_id"], TERMINAL)
    claim = {
        "claim_id": submitted["claim_id"],
        "policy_number": number,
        "body": f.submission_json(number),
        "policy": policy,
    }
    seen: dict[str, tuple[int, ...]] = {}
    for route in MATRIX:
        codes = []
        for headers in CALLERS.values():
            codes.append((await _request(http, route, headers, claim)).status_code)
        seen[route] = tuple(codes)
    print(_table(seen))
    assert seen == MATRIX


def _table(seen: dict[str, tuple[int, ...]]) -> str:
    header = "| route | " + " | ".join(CALLERS) + " |"
    rows = [f"| `{route}` | " + " | ".join(map(str, codes)) + " |" for route, codes in seen.items()]
    return "\n".join([header, "|---" * (len(CALLERS) + 1) + "|", *rows])


async def test_lists_and_policies_show_only_what_the_caller_may_see(access_stack: Stack) -> None:
    http = access_stack.http
    number = await create_policy(http)
    mine = (await submit(http, number))["claim_id"]
    theirs = (await submit(http, number, headers=CALLERS["other submitter"]))["claim_id"]
    for claim_id in (mine, theirs):
        await wait_for_claim(http, claim_id, TERMINAL)  # their rows exist

    async def listed(caller: str, **params: str) -> set[str]:
        page = await http.get(
            "/v1/claims", params={"policy_number": number, **params}, headers=CALLERS[caller]
        )
        assert page.status_code == 200, page.text
        return {item["claim_id"] for item in page.json()["items"]}

    assert await listed("owner") == {mine}
    assert await listed("other submitter") == {theirs}
    # A submitter cannot widen its view by naming another owner.
    assert await listed("owner", submitted_by="other-submitter") == {mine}
    assert await listed("adjuster") == {mine, theirs}
    assert await listed("admin", submitted_by="other-submitter") == {theirs}

    holder = {
        caller: (await http.get(f"/v1/policies/{number}", headers=CALLERS[caller])).json()[
            "holder_name"
        ]
        for caller in ("owner", "adjuster", "admin")
    }
    assert holder == {"owner": None, "adjuster": "Ada Lovelace", "admin": "Ada Lovelace"}


async def test_nobody_decides_a_claim_they_submitted_not_even_an_admin(
    access_stack: Stack,
) -> None:
    admin = CALLERS["admin"]
    number = await create_policy(access_stack.http)
    claim = await submit(
        access_stack.http, number, headers=admin, description=f.RED_FLAG_DESCRIPTION
    )
    claim_id = claim["claim_id"]
    await wait_for_claim(access_stack.http, claim_id, {"awaiting_review"})
    for decision in ({"decision": "approve"}, {"decision": "reject", "note": "mine"}):
        refused = await access_stack.http.post(
            f"/v1/claims/{claim_id}/review", headers=admin, json=decision
        )
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "you submitted this claim" in refused.json()["detail"]
    # The console says so instead of offering the decisions.
    console = await console_for(access_stack.http, "dev-admin-key")
    page = await console.get(f"/console/claims/{claim_id}")
    assert "You submitted this claim" in page.text
    assert "Approve and pay" not in page.text
    refused_form = await console.act(claim_id, "approve")
    assert refused_form.status_code == 403
    assert "you submitted this claim" in refused_form.text
    # Another member of staff decides it.
    approved = await access_stack.http.post(
        f"/v1/claims/{claim_id}/review", headers=CALLERS["adjuster"], json={"decision": "approve"}
    )
    assert approved.status_code == 200, approved.text
