"""The happy paths over REST with the real Temporal server and workers behind the API."""

import uuid

import httpx
import pytest

from tests.support.api import (
    ADJUSTER,
    ADMIN,
    SUBMITTER,
    TERMINAL,
    create_policy,
    submit,
    wait_for_claim,
)
from tools import samples as f


async def test_policy_create_replace_and_get(http: httpx.AsyncClient):
    policy = f.policy()
    body = policy.model_dump(mode="json")
    assert (await http.post("/v1/policies", headers=ADMIN, json=body)).status_code == 201
    body["holder_name"] = "Grace Hopper"
    assert (await http.post("/v1/policies", headers=ADMIN, json=body)).status_code == 200
    got = await http.get(f"/v1/policies/{policy.policy_number}", headers=ADJUSTER)
    assert got.status_code == 200
    assert got.json() == body
    # The holder is personal data: a submitter sees the cover, not who holds it.
    seen = await http.get(f"/v1/policies/{policy.policy_number}", headers=SUBMITTER)
    assert seen.json() == body | {"holder_name": None}


async def test_claim_is_paid_automatically(http: httpx.AsyncClient):
    number = await create_policy(http)
    submitted = await submit(http, number, amount="1250.00")
    claim = await wait_for_claim(http, submitted["claim_id"], TERMINAL)
    assert claim["status"] == "paid"
    assert claim["payable_amount"] == "750.00"
    assert claim["escalated"] is False
    decision = claim["decision"]
    assert (decision["outcome"], decision["decided_by"]) == ("approve", "model")
    assert decision["model"]["name"] == "offline/claims-assessor"
    assert decision["model"]["input_tokens"] > 0
    assert decision["recommendation"] == "approve"
    assert claim["payment"]["amount"] == "750.00"
    types = [e["type"] for e in claim["events"]]
    assert types == [
        "submitted",
        "policy_checked",
        "assessed",
        "approved",
        "payment_started",
        "paid",
    ]
    stamps = [e["at"] for e in claim["events"]]
    assert stamps == sorted(stamps)


async def test_claim_is_paid_after_adjuster_review(http: httpx.AsyncClient):
    number = await create_policy(http)
    submitted = await submit(http, number, description=f.RED_FLAG_DESCRIPTION)
    waiting = await wait_for_claim(http, submitted["claim_id"], {"awaiting_review"})
    assert "theft_without_police_report" in waiting["decision"]["risk_flags"]
    reviewed = await http.post(
        f"/v1/claims/{submitted['claim_id']}/review",
        headers=ADJUSTER,
        json={"decision": "approve", "approved_amount": "700.00", "note": "receipt checked"},
    )
    assert reviewed.status_code == 200, reviewed.text
    body = reviewed.json()
    assert body["status"] in {"approved", "paying", "paid"}
    assert body["decision"]["decided_by"] == "adjuster"
    assert body["decision"]["adjuster"]["role"] == "adjuster"
    assert body["decision"]["note"] == "receipt checked"
    paid = await wait_for_claim(http, submitted["claim_id"], TERMINAL)
    assert (paid["status"], paid["payment"]["amount"]) == ("paid", "700.00")


async def test_review_conflicts_and_bad_amounts(http: httpx.AsyncClient):
    number = await create_policy(http)
    submitted = await submit(http, number, description=f.RED_FLAG_DESCRIPTION)
    claim_id = submitted["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    too_much = await http.post(
        f"/v1/claims/{claim_id}/review",
        headers=ADJUSTER,
        json={"decision": "approve", "approved_amount": "1000000.00"},
    )
    assert too_much.status_code == 422
    [error] = too_much.json()["errors"]
    assert error["loc"] == ["body", "approved_amount"]
    assert "payable" in error["msg"]
    rejected = await http.post(
        f"/v1/claims/{claim_id}/review", headers=ADJUSTER, json={"decision": "reject"}
    )
    assert rejected.status_code == 200
    await wait_for_claim(http, claim_id, TERMINAL)
    again = await http.post(
        f"/v1/claims/{claim_id}/review", headers=ADJUSTER, json={"decision": "approve"}
    )
    assert again.status_code == 409
    assert "rejected" in again.json()["detail"]


async def test_claim_on_unknown_policy_is_rejected_by_rule(http: httpx.AsyncClient):
    submitted = await submit(http, f.policy_number())
    claim = await wait_for_claim(http, submitted["claim_id"], TERMINAL)
    assert claim["status"] == "rejected"
    assert claim["decision"]["decided_by"] == "rule"
    assert claim["decision"]["rules_fired"] == ["policy_not_found"]


async def test_list_filters_and_paginates_newest_first(http: httpx.AsyncClient):
    number = await create_policy(http)
    ids = [(await submit(http, number))["claim_id"] for _ in range(5)]
    for claim_id in ids:
        await wait_for_claim(http, claim_id, TERMINAL)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"policy_number": number, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await http.get("/v1/claims", headers=ADJUSTER, params=params)).json()
        seen += [item["claim_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    paid = await http.get(
        "/v1/claims", headers=ADJUSTER, params={"policy_number": number, "status": "paid"}
    )
    assert len(paid.json()["items"]) == 5
    none = await http.get(
        "/v1/claims", headers=ADJUSTER, params={"policy_number": number, "status": "rejected"}
    )
    assert none.json()["items"] == []


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 500}, {"status": "lost"}, {"cursor": "%%%"}]
)
async def test_list_rejects_bad_parameters(http: httpx.AsyncClient, params):
    assert (await http.get("/v1/claims", headers=ADMIN, params=params)).status_code == 422


async def test_same_idempotency_key_returns_the_same_claim(http: httpx.AsyncClient):
    number = await create_policy(http)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = f.submission_json(number)
    first = await http.post("/v1/claims", headers=SUBMITTER | key, json=body)
    second = await http.post("/v1/claims", headers=SUBMITTER | key, json=body)
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["claim_id"] == second.json()["claim_id"]
    other = await http.post("/v1/claims", headers=SUBMITTER | key, json=body | {"amount": "999.00"})
    assert other.status_code == 409


def metric(text: str, sample: str) -> float:
    """The value of one sample line of a Prometheus scrape (0 when it is not there yet)."""
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        if name == sample:
            return float(value)
    return 0.0


async def test_metrics_count_submissions(http: httpx.AsyncClient):
    number = await create_policy(http)
    accepted = 'claims_http_requests_total{method="POST",route="/v1/claims",status="202"}'
    before = (await http.get("/metrics")).text
    await submit(http, number)
    await submit(http, number)
    after = (await http.get("/metrics")).text
    # Counters are process-wide and other tests submit too: compare before and after.
    assert metric(after, "claims_submitted_total") - metric(before, "claims_submitted_total") == 2
    assert metric(after, accepted) - metric(before, accepted) == 2
