"""GET /v1/claims/{id} reads the claim as recorded: one snapshot, no workflow query."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from app.services import workflow_view
from claims.lifecycle import ClaimStatus
from tests.support.api import ADJUSTER, TERMINAL, create_policy, submit, wait_for_claim

ANY_STATUS = {str(status) for status in ClaimStatus}


async def test_every_read_of_a_claim_in_flight_shows_its_status_with_its_event(
    http: httpx.AsyncClient,
) -> None:
    number = await create_policy(http)
    claims = [await submit(http, number, amount="1250.00") for _ in range(5)]
    seen: list[tuple[str, list[str]]] = []

    async def read_until_paid(claim_id: str) -> None:
        async with asyncio.timeout(60):
            while True:
                claim = (await http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)).json()
                events = [e["type"] for e in claim["events"]]
                seen.append((claim["status"], events))
                if claim["status"] in TERMINAL:
                    return

    await asyncio.gather(*(read_until_paid(c["claim_id"]) for c in claims))
    statuses = {status for status, _ in seen}
    assert "paid" in statuses
    for status, events in seen:
        if not events:
            # Before its first record only the workflow knows the claim: just submitted.
            assert status == "submitted"
            continue
        # Once recorded, a status never shows without the event that records it.
        assert ClaimStatus(status).recorded_by in events, (status, events)


async def test_reading_a_recorded_claim_asks_the_workflow_nothing(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = await create_policy(http)
    submitted = await submit(http, number, amount="1250.00")
    await wait_for_claim(http, submitted["claim_id"], ANY_STATUS)  # the row is written

    async def no_queries(client: object, claim_id: uuid.UUID) -> None:
        raise AssertionError(f"GET queried the workflow of {claim_id}")

    monkeypatch.setattr(workflow_view, "query_state", no_queries)
    for _ in range(3):
        answered = await http.get(f"/v1/claims/{submitted['claim_id']}", headers=ADJUSTER)
        assert answered.status_code == 200
    claim = await wait_for_claim(http, submitted["claim_id"], TERMINAL)
    assert claim["status"] == "paid"
