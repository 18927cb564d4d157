"""Idempotent submission: Temporal's workflow-id conflict policy, not a check-then-act."""

import asyncio
import re
import uuid

import httpx
import sqlalchemy as sa

from infra.tables import claim
from tests.support.api import SUBMITTER, TERMINAL, create_policy, wait_for_claim
from tests.support.stack import Stack
from tools import samples as f


async def workflows_for(stack: Stack, policy_number: str) -> list[str]:
    query = f"PolicyNumber = '{policy_number}'"
    return [w.id async for w in stack.client.list_workflows(query)]


async def test_ten_concurrent_duplicates_make_one_claim_and_one_workflow(
    http: httpx.AsyncClient, stack: Stack
):
    number = await create_policy(http)
    headers = SUBMITTER | {"Idempotency-Key": str(uuid.uuid4())}
    body = f.submission_json(number)
    responses = await asyncio.gather(
        *(http.post("/v1/claims", headers=headers, json=body) for _ in range(10))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 9 + [202]
    claim_ids = {r.json()["claim_id"] for r in responses}
    assert len(claim_ids) == 1
    [claim_id] = claim_ids
    await wait_for_claim(http, claim_id, TERMINAL)
    assert await workflows_for(stack, number) == [f"claim-{claim_id}"]
    async with stack.engine.connect() as conn:
        rows = await conn.scalar(sa.select(sa.func.count()).where(claim.c.policy_number == number))
    assert rows == 1


async def test_a_replay_after_the_claim_finished_returns_it_again(http: httpx.AsyncClient):
    number = await create_policy(http)
    headers = SUBMITTER | {"Idempotency-Key": "order-1234"}
    body = f.submission_json(number)
    first = await http.post("/v1/claims", headers=headers, json=body)
    await wait_for_claim(http, first.json()["claim_id"], TERMINAL)
    again = await http.post("/v1/claims", headers=headers, json=body)
    assert again.status_code == 200
    assert again.json()["claim_id"] == first.json()["claim_id"]
    assert again.json()["submitted_at"] == first.json()["submitted_at"]
    conflict = await http.post("/v1/claims", headers=headers, json=body | {"amount": "1.00"})
    assert conflict.status_code == 409


async def test_without_a_key_every_post_is_a_new_claim(http: httpx.AsyncClient, stack: Stack):
    number = await create_policy(http)
    body = f.submission_json(number)
    first = await http.post("/v1/claims", headers=SUBMITTER, json=body)
    second = await http.post("/v1/claims", headers=SUBMITTER, json=body)
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["claim_id"] != second.json()["claim_id"]
    for response in (first, second):
        await wait_for_claim(http, response.json()["claim_id"], TERMINAL)
    assert len(await workflows_for(stack, number)) == 2


async def test_a_conflicting_body_starts_and_writes_nothing(http: httpx.AsyncClient, stack: Stack):
    number = await create_policy(http)
    other_number = await create_policy(http)
    headers = SUBMITTER | {"Idempotency-Key": str(uuid.uuid4())}
    first = await http.post("/v1/claims", headers=headers, json=f.submission_json(number))
    await wait_for_claim(http, first.json()["claim_id"], TERMINAL)
    conflict = await http.post("/v1/claims", headers=headers, json=f.submission_json(other_number))
    assert conflict.status_code == 409
    assert await workflows_for(stack, other_number) == []


async def test_every_claim_has_a_number_kept_across_replays_and_shown_everywhere(
    http: httpx.AsyncClient, stack: Stack
):
    policy = await create_policy(http)
    body = f.submission_json(policy)
    key = SUBMITTER | {"Idempotency-Key": str(uuid.uuid4())}
    first = (await http.post("/v1/claims", headers=key, json=body)).json()
    again = (await http.post("/v1/claims", headers=key, json=body)).json()
    other = (await http.post("/v1/claims", headers=SUBMITTER, json=body)).json()
    assert re.fullmatch(r"CLM-\d{4}-\d{6}", first["claim_number"])
    assert again["claim_number"] == first["claim_number"]
    # Numbers follow submission order within a year.
    assert other["claim_number"] > first["claim_number"]
    await wait_for_claim(http, first["claim_id"], TERMINAL)
    read = (await http.get(f"/v1/claims/{first['claim_id']}", headers=SUBMITTER)).json()
    assert read["claim_number"] == first["claim_number"]
    listed = (await http.get("/v1/claims", headers=SUBMITTER, params={"limit": 100})).json()
    numbers = {c["claim_id"]: c["claim_number"] for c in listed["items"]}
    assert numbers[first["claim_id"]] == first["claim_number"]
    # Operators see it in the Web UI: the workflow's summary starts with it.
    handle = stack.client.get_workflow_handle(first["workflow_id"])
    described = await handle.describe()
    assert (await described.static_summary() or "").startswith(first["claim_number"] + ":")
