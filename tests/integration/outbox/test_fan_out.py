"""Recording a step queues its webhook event, in the same transaction, for whoever may see it."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.lifecycle import EventType
from claims.transitions import Submitted, Transition
from claims.webhooks import WEBHOOK_EVENT_OF, WebhookEvent
from infra.store import claims as claim_store
from infra.store import subscriptions
from infra.tables import principal, webhook_delivery
from tools import samples as f

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
ALL = [str(e) for e in WebhookEvent]


async def set_principal(
    conn: AsyncConnection, name: str, role: str = "submitter", *, active: bool = True
) -> None:
    """The principal as the API would have written it from its keys."""
    statement = insert(principal).values(name=name, role=role, active=active)
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[principal.c.name], set_={"role": role, "active": active}
        )
    )


async def _subscription(
    conn: AsyncConnection, owner: str, *, role: str = "submitter", events: list[str] = ALL
) -> uuid.UUID:
    await set_principal(conn, owner, role)
    subscription_id = uuid.uuid4()
    await subscriptions.create(
        conn=conn,
        subscription_id=subscription_id,
        owner=owner,
        relay="claims-outbox",
        host="93.184.215.14",
        url="https://93.184.215.14/hooks",
        events=events,
        description="",
        sealed_secret="k:unused",
    )
    return subscription_id


async def _queued(conn: AsyncConnection, subscription_id: uuid.UUID) -> list[tuple[str, str, int]]:
    rows = await conn.execute(
        sa.select(
            webhook_delivery.c.event_type, webhook_delivery.c.claim_status, webhook_delivery.c.step
        )
        .where(webhook_delivery.c.subscription_id == subscription_id)
        .order_by(webhook_delivery.c.step)
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def test_every_client_event_is_queued_once_for_those_who_may_see_it(
    conn: AsyncConnection,
) -> None:
    owner = f"submitter-{uuid.uuid4().hex[:6]}"
    mine = await _subscription(conn, owner)
    stranger = await _subscription(conn, f"other-{uuid.uuid4().hex[:6]}")
    adjuster = await _subscription(conn, "adjuster-x", role="adjuster", events=["claim.paid"])
    claim_id = uuid.uuid4()
    record = Submitted(
        claim_id=claim_id,
        workflow_id=f"claim-{claim_id}",
        submission=f.submission("P-1"),
        submitted_at=NOW,
        submitted_by=owner,
    )
    await claim_store.record_submission(conn=conn, record=record)
    await claim_store.record_submission(conn=conn, record=record)  # a retried attempt
    # Every other audit event, one step each (event-only steps included), each written twice.
    steps = [e for e in EventType if e is not EventType.SUBMITTED]
    for step, event_type in enumerate(steps, start=2):
        for _ in range(2):
            transition = Transition(claim_id=claim_id, step=step, event_type=event_type, at=NOW)
            await claim_store.apply_transition(conn=conn, transition=transition)

    queued = await _queued(conn, mine)
    assert [event for event, _, _ in queued] == [
        str(WEBHOOK_EVENT_OF[e]) for e in [EventType.SUBMITTED, *steps] if e in WEBHOOK_EVENT_OF
    ]
    assert {status for _, status, _ in queued} == {"submitted"}  # event-only steps: row as is
    assert await _queued(conn, stranger) == []
    assert [event for event, _, _ in await _queued(conn, adjuster)] == ["claim.paid"]


async def test_a_deleted_subscription_queues_nothing_and_its_pending_rows_are_cancelled(
    conn: AsyncConnection,
) -> None:
    owner = f"submitter-{uuid.uuid4().hex[:6]}"
    subscription_id = await _subscription(conn, owner)
    claim_id = await _submitted(conn, owner)
    await subscriptions.delete(conn=conn, subscription_id=subscription_id)
    cancelled = Transition(claim_id=claim_id, step=2, event_type=EventType.CANCELLED, at=NOW)
    await claim_store.apply_transition(conn=conn, transition=cancelled)
    statuses = (
        await conn.execute(
            sa.select(webhook_delivery.c.event_type, webhook_delivery.c.status).where(
                webhook_delivery.c.subscription_id == subscription_id
            )
        )
    ).all()
    assert [tuple(s) for s in statuses] == [("claim.submitted", "cancelled")]


async def _submitted(conn: AsyncConnection, owner: str) -> uuid.UUID:
    claim_id = uuid.uuid4()
    record = Submitted(
        claim_id=claim_id,
        workflow_id=f"claim-{claim_id}",
        submission=f.submission("P-1"),
        submitted_at=NOW,
        submitted_by=owner,
    )
    await claim_store.record_submission(conn=conn, record=record)
    return claim_id


async def test_what_a_subscription_hears_follows_its_owners_role_now(
    conn: AsyncConnection,
) -> None:
    """Authorization at use: a demoted adjuster stops hearing about others' claims at once,
    and a principal no longer configured hears nothing, without the subscription changing."""
    staff = f"adjuster-{uuid.uuid4().hex[:6]}"
    subscription_id = await _subscription(conn, staff, role="adjuster")
    someone_else = f"submitter-{uuid.uuid4().hex[:6]}"
    before = await _submitted(conn, someone_else)
    await set_principal(conn, staff, "submitter")  # restarted with the key demoted
    await _submitted(conn, someone_else)  # not heard: no longer staff
    own = await _submitted(conn, staff)
    await set_principal(conn, staff, "submitter", active=False)  # its key removed
    await _submitted(conn, staff)  # not heard: no longer a principal

    heard = (
        await conn.execute(
            sa.select(webhook_delivery.c.claim_id).where(
                webhook_delivery.c.subscription_id == subscription_id
            )
        )
    ).scalars()
    assert set(heard) == {before, own}
