"""GET reads the recorded claim (the workflow only before the row exists); the list cursor
ignores new arrivals."""

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.services import workflow_view
from tests.support.api import ADMIN, TERMINAL, create_policy, submit, wait_for_claim
from tests.support.held_records import HeldRecords
from tests.support.stack import StackFactory
from tools import samples as f
from tools.waiting import wait_for


async def test_get_shows_the_recorded_state_while_the_next_record_is_held(
    make_stack: StackFactory, engine: AsyncEngine
):
    records = HeldRecords(engine, hold={"payment_started"})
    async with make_stack(records=records) as stack:
        http = stack.http
        number = await create_policy(http)
        claim_id = (await submit(http, number))["claim_id"]
        await asyncio.wait_for(records.holding.wait(), 30)
        claim = (await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
        # The workflow is paying the claim, but the payment's start is not recorded yet: the
        # read shows the recorded state, whose status comes with its own event, never a status
        # ahead of its events (as a workflow query would have given).
        events = [e["type"] for e in claim["events"]]
        assert claim["status"] == "approved"
        assert events[-2:] == ["assessed", "approved"]
        assert claim["approved_amount"] is not None
        records.release.set()
        paid = await wait_for_claim(http, claim_id, TERMINAL)
    assert paid["status"] == "paid"


async def test_get_answers_from_the_start_event_before_the_row_exists(
    make_stack: StackFactory, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
):
    async def no_queries(client: object, claim_id: uuid.UUID) -> None:
        raise AssertionError(f"GET queried the workflow of {claim_id}")

    # Before its first record nothing has happened to a claim: the workflow is not asked.
    monkeypatch.setattr(workflow_view, "query_state", no_queries)
    records = HeldRecords(engine, hold={"submitted"})
    async with make_stack(records=records) as stack:
        http = stack.http
        number = await create_policy(http)
        claim_id = (await submit(http, number, amount="900.00"))["claim_id"]
        await asyncio.wait_for(records.holding.wait(), 30)
        early = await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)
        assert early.status_code == 200
        body = early.json()
        assert (body["status"], body["amount"], body["events"]) == ("submitted", "900.00", [])
        records.release.set()
        await wait_for_claim(http, claim_id, TERMINAL)


async def test_cursor_pages_stay_stable_while_new_claims_arrive(http: httpx.AsyncClient):
    number = await create_policy(http)
    older = [(await submit(http, number))["claim_id"] for _ in range(4)]
    for claim_id in older:
        await wait_for_claim(http, claim_id, TERMINAL)
    params: dict[str, str | int] = {"policy_number": number, "limit": 2}
    first = (await http.get("/v1/claims", headers=ADMIN, params=params)).json()
    assert [i["claim_id"] for i in first["items"]] == older[:1:-1]
    newer = [(await submit(http, number))["claim_id"] for _ in range(3)]
    for claim_id in newer:
        await wait_for_claim(http, claim_id, TERMINAL)
    second = (
        await http.get(
            "/v1/claims", headers=ADMIN, params=params | {"cursor": first["next_cursor"]}
        )
    ).json()
    assert [i["claim_id"] for i in second["items"]] == older[1::-1]
    assert second["next_cursor"] is None
    everything = (
        await http.get("/v1/claims", headers=ADMIN, params={"policy_number": number})
    ).json()
    assert [i["claim_id"] for i in everything["items"]] == newer[::-1] + older[::-1]


async def test_status_search_attribute_follows_the_claim(http: httpx.AsyncClient, client: Client):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=f.RED_FLAG_DESCRIPTION))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})

    async def found(status: str) -> list[str]:
        query = f"PolicyNumber = '{number}' AND ClaimStatus = '{status}'"
        return [w.id async for w in client.list_workflows(query)]

    mine = [f"claim-{claim_id}"]
    await wait_for(lambda: found("awaiting_review"), mine.__eq__, what="the awaiting_review search")
    await http.post(
        f"/v1/claims/{claim_id}/review",
        headers={"Authorization": "Bearer dev-adjuster-key"},
        json={"decision": "reject"},
    )
    await wait_for(lambda: found("rejected"), mine.__eq__, what="the rejected search")
    assert await found("awaiting_review") == []
