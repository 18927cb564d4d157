import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus, EventType
from claims.models import DecidedBy, DecisionOutcome
from claims.transitions import Submitted, Transition
from infra.store import claims as claim_store
from infra.store import policies
from infra.tables import claim_event, decision
from tools import samples as f

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


async def submitted_claim(conn: AsyncConnection) -> uuid.UUID:
    claim_id = uuid.uuid4()
    record = Submitted(
        claim_id=claim_id,
        workflow_id=f"claim-{claim_id}",
        submission=f.submission("P-1"),
        submitted_at=NOW,
    )
    await claim_store.record_submission(conn=conn, record=record)
    await claim_store.record_submission(conn=conn, record=record)  # a retried attempt
    return claim_id


async def test_policy_upsert_creates_then_replaces(conn: AsyncConnection):
    policy = f.policy()
    assert await policies.upsert(conn=conn, policy=policy) is True
    replaced = policy.model_copy(update={"holder_name": "Grace Hopper"})
    assert await policies.upsert(conn=conn, policy=replaced) is False
    assert await policies.get(conn=conn, policy_number=policy.policy_number) == replaced


async def test_submission_recorded_once(conn: AsyncConnection):
    claim_id = await submitted_claim(conn)
    row = await claim_store.get(conn=conn, claim_id=claim_id)
    assert row is not None
    assert row.status == "submitted"
    assert [e.type for e in await claim_store.list_events(conn=conn, claim_id=claim_id)] == [
        "submitted"
    ]


async def test_transition_written_twice_is_written_once(conn: AsyncConnection):
    claim_id = await submitted_claim(conn)
    transition = Transition(
        claim_id=claim_id,
        step=2,
        event_type=EventType.ASSESSED,
        at=NOW,
        status=ClaimStatus.ASSESSING,
        payable_amount=Decimal("750.00"),
        decision=DecisionRecord(
            outcome=DecisionOutcome.REVIEW, decided_by=DecidedBy.MODEL, reasons=["r"]
        ),
    )
    await claim_store.apply_transition(conn=conn, transition=transition)
    await claim_store.apply_transition(conn=conn, transition=transition)
    events = await conn.scalar(sa.select(sa.func.count()).where(claim_event.c.claim_id == claim_id))
    decisions = await conn.scalar(sa.select(sa.func.count()).where(decision.c.claim_id == claim_id))
    assert (events, decisions) == (2, 1)
    row = await claim_store.get(conn=conn, claim_id=claim_id)
    assert row is not None
    assert (row.status, row.payable_amount, row.last_step) == (
        "assessing",
        Decimal("750.00"),
        2,
    )


async def test_a_late_older_step_never_moves_the_claim_back(conn: AsyncConnection):
    claim_id = await submitted_claim(conn)
    for step, event, status in [
        (3, EventType.APPROVED, ClaimStatus.APPROVED),
        (2, EventType.POLICY_CHECKED, ClaimStatus.ASSESSING),  # the late, older one
    ]:
        transition = Transition(
            claim_id=claim_id, step=step, event_type=event, at=NOW, status=status
        )
        await claim_store.apply_transition(conn=conn, transition=transition)
    row = await claim_store.get(conn=conn, claim_id=claim_id)
    assert row is not None
    assert (row.status, row.last_step) == ("approved", 3)
    events = await claim_store.list_events(conn=conn, claim_id=claim_id)
    assert [e.type for e in events] == ["submitted", "policy_checked", "approved"]


async def test_list_page_is_newest_first_with_a_stable_cursor(conn: AsyncConnection):
    number = f"P-{uuid.uuid4().hex[:8]}"
    ids = []
    for minute in range(5):
        claim_id = uuid.uuid4()
        record = Submitted(
            claim_id=claim_id,
            workflow_id=f"claim-{claim_id}",
            submission=f.submission(number),
            submitted_at=NOW + dt.timedelta(minutes=minute),
        )
        await claim_store.record_submission(conn=conn, record=record)
        ids.append(claim_id)
    first = await claim_store.list_page(conn=conn, limit=2, policy_number=number)
    assert [r.claim_id for r in first] == [ids[4], ids[3]]
    cursor = (first[-1].submitted_at, first[-1].claim_id)
    second = await claim_store.list_page(conn=conn, limit=2, policy_number=number, before=cursor)
    assert [r.claim_id for r in second] == [ids[2], ids[1]]
