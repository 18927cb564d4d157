"""Escalation, cancellation, compensation and long claims, with real workers and servers."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import TimeSkipper, TimeSkippingConfig

from activities.assessment import LlmConfig
from activities.payment import LedgerRail
from claims.lifecycle import ClaimStatus
from contracts import ClaimState
from infra.store import documents, payments
from infra.tables import claim_event, notification
from tests.support.api import (
    ADMIN,
    TERMINAL,
    add_document,
    cancel,
    create_policy,
    review,
    submit,
    wait_for_claim,
)
from tests.support.stack import Stack, StackFactory
from tools import samples as f
from tools.fake_llm import FakeLlmServer
from tools.waiting import wait_for
from workflows.claim import ClaimWorkflow

THEFT = f.RED_FLAG_DESCRIPTION


@pytest.fixture(scope="session")
def skipper(client: Client) -> TimeSkipper:
    # Workflows start with skipping off; a test fast-forwards one workflow's own clock.
    return TimeSkipper(client, config=TimeSkippingConfig(enabled=False))


async def events_of(engine: AsyncEngine, claim_id: Any) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(claim_event.c.type)
            .where(claim_event.c.claim_id == uuid.UUID(str(claim_id)))
            .order_by(claim_event.c.step)
        )
    return [r.type for r in rows]


async def test_review_sla_escalates_after_days_and_keeps_waiting(
    http: httpx.AsyncClient, stack: Stack, client: Client, skipper: TimeSkipper
):
    number = await create_policy(http)
    claim_id = (await submit(http, number, description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    handle = client.get_workflow_handle(f"claim-{claim_id}")
    # The default SLA is 48 hours; two days and an hour pass in well under a minute.
    assert stack.settings.review_sla_s == 172_800
    await skipper.fast_forward(handle, timedelta(days=2, hours=1))
    await wait_for(
        lambda: events_of(stack.engine, claim_id), lambda e: "escalated" in e, what="escalated"
    )
    claim = (await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
    assert (claim["status"], claim["escalated"]) == ("awaiting_review", True)
    query = f"WorkflowId = 'claim-{claim_id}' AND Escalated = true"

    async def escalated() -> list[str]:
        return [w.id async for w in client.list_workflows(query)]

    await wait_for(escalated, [f"claim-{claim_id}"].__eq__, what="the Escalated search")
    async with stack.engine.connect() as conn:
        kinds = (
            await conn.scalars(
                sa.select(notification.c.kind).where(notification.c.claim_id == uuid.UUID(claim_id))
            )
        ).all()
    assert "review_escalated" in kinds
    # Still waiting: the adjuster can decide, and escalation ends with the review.
    approved = await review(http, claim_id, decision="approve")
    assert approved.status_code == 200
    paid = await wait_for_claim(http, claim_id, TERMINAL)
    assert (paid["status"], paid["escalated"]) == ("paid", False)
    assert [e["type"] for e in paid["events"]].count("escalated") == 1


@pytest.fixture
async def hanging_stack(make_stack: StackFactory, fake_llm: FakeLlmServer) -> AsyncIterator[Stack]:
    """Workers whose model never answers: claims sit in `assessing` until cancelled."""
    llm = LlmConfig(model="openai/hang", api_base=fake_llm.api_base, api_key="sk-test")
    async with make_stack(llm=llm) as stack:
        yield stack


async def test_cancel_during_assessment_cancels_the_model_call(
    hanging_stack: Stack, client: Client, fake_llm: FakeLlmServer
):
    before = fake_llm.stats.disconnects["hang"]
    http = hanging_stack.http
    number = await create_policy(http)
    claim_id = (await submit(http, number))["claim_id"]
    handle = client.get_workflow_handle(f"claim-{claim_id}", result_type=ClaimState)
    await wait_for(
        lambda: handle.query(ClaimWorkflow.state),
        lambda state: state.waiting_on == "assessment",
        what="the claim to wait on its assessment",
    )
    cancelled = await cancel(http, claim_id, reason="sent in error")
    assert cancelled.status_code == 202, cancelled.text
    final = await wait_for_claim(http, claim_id, {"cancelled"})
    assert [e["type"] for e in final["events"]] == [
        "submitted",
        "policy_checked",
        "cancelled",
    ]
    assert (await handle.result()).status is ClaimStatus.CANCELLED

    # The model call itself was abandoned: the HTTP client went away from the hanging server.
    async def disconnects() -> int:
        return int(fake_llm.stats.disconnects["hang"])

    await wait_for(disconnects, lambda n: n > before, what="the model call to be abandoned")
    history = await handle.fetch_history()
    assert any(
        e.HasField("activity_task_cancel_requested_event_attributes") for e in history.events
    )


class GatedRail(LedgerRail):
    """A rail that holds each transfer until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def transfer(
        self, *, idempotency_key: str, amount: Decimal, currency: str, payee: str
    ) -> str:
        self.waiting.set()
        await self.gate.wait()
        return await super().transfer(
            idempotency_key=idempotency_key, amount=amount, currency=currency, payee=payee
        )


async def test_cancel_is_refused_once_payment_started(make_stack: StackFactory):
    rail = GatedRail()
    async with make_stack(rail=rail) as stack:
        http = stack.http
        number = await create_policy(http)
        claim_id = (await submit(http, number))["claim_id"]
        await asyncio.wait_for(rail.waiting.wait(), 30)
        refused = await cancel(http, claim_id)
        assert refused.status_code == 409
        assert "paying" in refused.json()["detail"]
        rail.gate.set()
        paid = await wait_for_claim(http, claim_id, TERMINAL)
    assert paid["status"] == "paid"


async def test_refused_payment_is_compensated_and_the_second_approval_pays_once(
    make_stack: StackFactory,
):
    payee = f"{uuid.uuid4().hex[:8]}@closed-account.example"
    rail = LedgerRail(blocked_payees=[payee])
    async with make_stack(rail=rail) as stack:
        http = stack.http
        number = await create_policy(http)
        claimant = {"name": "Ada", "email": payee}
        claim_id = (await submit(http, number, claimant=claimant))["claim_id"]
        back = await wait_for_claim(http, claim_id, {"awaiting_review"})
        assert "payment_failed" in [e["type"] for e in back["events"]]
        requested = [e for e in back["events"] if e["type"] == "review_requested"]
        assert requested[-1]["detail"]["reasons"] == ["payment_failed"]
        assert back["payment"]["status"] == "released"
        # The refused approval is undone on the row too: nothing is approved until a human is.
        assert back["approved_amount"] is None
        assert "refused" in back["payment"]["failure_reason"]
        # The payee fixes their account with the rail; an adjuster approves again.
        rail.blocked_payees.clear()
        assert (await review(http, claim_id, decision="approve")).status_code == 200
        paid = await wait_for_claim(http, claim_id, TERMINAL)
    assert paid["status"] == "paid"
    assert paid["payment"]["attempt"] == 2
    assert [e["type"] for e in paid["events"]].count("paid") == 1
    async with stack.engine.connect() as conn:
        ledger = await payments.ledger(conn=conn, claim_id=uuid.UUID(claim_id))
    assert [(e.attempt, e.entry) for e in ledger] == [
        (1, "reserve"),
        (1, "release"),
        (2, "reserve"),
        (2, "settle"),
    ]


async def test_many_information_rounds_keep_history_bounded(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle: WorkflowHandle[Any, ClaimState] = await stack.start(
        f.submission(policy.policy_number, description=THEFT), info_rounds_per_run=1
    )
    http = stack.http
    claim_id = str((await handle.query(ClaimWorkflow.state)).claim_id)
    rounds = 4
    for n in range(rounds):
        await wait_for_claim(http, claim_id, {"awaiting_review"})
        asked = await review(
            http, claim_id, decision="request_info", message_to_claimant=f"round {n}"
        )
        assert asked.status_code == 200, asked.text
        # A document that does not clear the red flag: the claim comes back to review.
        added = await add_document(http, claim_id, f"Photo {n} of the empty bike rack.")
        assert added.status_code == 201, added.text
        await wait_for_claim(http, claim_id, {"awaiting_review"})
    await review(http, claim_id, decision="approve")
    paid = await wait_for_claim(http, claim_id, TERMINAL)
    assert paid["status"] == "paid"
    assert len(paid["documents"]) == rounds
    runs = [w async for w in stack.client.list_workflows(f"WorkflowId = 'claim-{claim_id}'")]
    assert len(runs) == rounds + 1
    for run in runs:
        history = await stack.client.get_workflow_handle(run.id, run_id=run.run_id).fetch_history()
        assert len(history.events) < 120
    async with stack.engine.connect() as conn:
        stored = await documents.list_for_claim(conn=conn, claim_id=uuid.UUID(claim_id))
    assert len(stored) == rounds
