"""One caller's failing messages never hold up another's: poison isolated, fair shares, quotas.

A permanent failure dead-letters at once; a transient one is scheduled for later and holds no
slot while it waits; a principal gets at most its share of the slots; a receiver that keeps
failing is paused, visibly to its owner.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from contracts import WAKE_SIGNAL, OutboxChannel, dispatcher_id
from devstack.processes import free_port
from infra.settings import DEV_API_KEYS
from infra.tables import notification
from tests.support.api import SUBMITTER, create_policy, submit, wait_for_claim
from tests.support.outbox import OTHER_SUBMITTER, dispatcher_looks, subscribe, until
from tests.support.records import committed_claim
from tests.support.stack import Stack, StackFactory
from tools.waiting import wait_for
from tools.webhook_receiver import WebhookReceiver

# Retries are far off: a row that failed transiently stays waiting for the whole test, so
# anything delivered meanwhile got past it.
PATIENT = {
    "outbox_sweep_s": 2.0,
    "outbox_first_retry_s": 300.0,
    "outbox_attempt_timeout_s": 2.0,
    "outbox_max_in_flight": 4,
    "outbox_max_in_flight_per_principal": 2,
    "outbox_breaker_failures": 1000,
}


class _Relay:
    """An SMTP server that refuses some mailboxes for good (553) and others for now (451)."""

    def __init__(self) -> None:
        self.delivered: list[str] = []

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("gone"):
            return "553 5.1.1 no such mailbox"
        if address.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.delivered.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp_relay() -> Iterator[tuple[_Relay, int]]:
    relay, port = _Relay(), free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    yield relay, port
    controller.stop()


async def _queue_mail(stack: Stack, recipients: list[str]) -> dict[str, int]:
    """One claim, one notification per recipient (written as an old row would be: unchecked)."""
    claim_id = await committed_claim(stack.engine)
    ids: dict[str, int] = {}
    async with stack.engine.begin() as conn:
        for step, recipient in enumerate(recipients, start=100):
            inserted = await conn.execute(
                sa.insert(notification)
                .values(
                    claim_id=claim_id,
                    step=step,
                    kind="claim_paid",
                    recipient=recipient,
                    payload={"amount": "1.00", "currency": "USD"},
                )
                .returning(notification.c.id)
            )
            ids[recipient] = inserted.scalar_one()
    return ids


async def _mail_rows(stack: Stack, ids: dict[str, int]) -> dict[str, Any]:
    async with stack.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(notification).where(notification.c.id.in_(list(ids.values())))
        )
        by_id = {row.id: row for row in rows}
    return {recipient: by_id[i] for recipient, i in ids.items()}


async def test_poison_and_failing_emails_never_hold_up_a_good_one(
    make_stack: StackFactory, smtp_relay: tuple[_Relay, int]
) -> None:
    relay, port = smtp_relay
    invalid = ["(@x.com", "<@x.com", "a@x..com", '"@x.com', "alice@example.com,postmaster"]
    refused = [f"gone{n}@example.com" for n in range(5)]
    later = [f"busy{n}@example.com" for n in range(10)]
    good = "good@example.com"
    async with make_stack(smtp_host="127.0.0.1", smtp_port=port, **PATIENT) as stack:
        ids = await _queue_mail(stack, [*invalid, *refused, *later, good])
        queue = stack.settings.outbox_task_queue
        await stack.client.get_workflow_handle(dispatcher_id(OutboxChannel.EMAIL, queue)).signal(
            WAKE_SIGNAL
        )
        await until(lambda: good in relay.delivered, "the good e-mail")
        rows = await _mail_rows(stack, ids)
        # The sink has the good one before its sender records it; and attempts that overlapped
        # the good one's may still be on their way: wait until every row's attempt is recorded.
        rows = await wait_for(
            lambda: _mail_rows(stack, ids),
            lambda found: all(found[r].attempts for r in [*refused, *later, good]),
            what="every e-mail's attempt recorded",
        )

    for recipient in [*invalid, *refused]:  # permanent: dead-lettered on the first attempt
        row = rows[recipient]
        assert (row.failed_at is not None, row.attempts) == (True, 1), recipient
    assert rows["(@x.com"].last_error == "recipient address is invalid"
    assert rows[refused[0]].last_error.startswith("SMTP 553")
    for recipient in later:  # transient: waiting for their retry, holding nothing
        row = rows[recipient]
        assert row.sent_at is None, recipient
        assert row.failed_at is None, recipient
        assert row.attempts == 1
        assert row.next_attempt_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    assert rows[good].sent_at is not None
    assert not {r for r in relay.delivered if r.startswith(("gone", "busy"))}


async def test_one_principals_failing_receivers_never_hold_up_anothers(
    make_stack: StackFactory,
) -> None:
    bad, fine = WebhookReceiver(), WebhookReceiver()
    bad.answers = {f"gone{n}": "410" for n in range(10)} | {f"busy{n}": "503" for n in range(10)}
    await bad.start()
    await fine.start()
    keys = "dev-submitter-key:submitter:dev-submitter,dev-admin-key:admin:dev-admin," + (
        "other-submitter-key:submitter:other-submitter"
    )
    try:
        async with make_stack(api_keys=keys, webhook_max_per_submitter=25, **PATIENT) as stack:
            for name in bad.answers:
                await subscribe(stack, OTHER_SUBMITTER, bad.url_for(name), ["claim.submitted"])
            mine = await subscribe(stack, SUBMITTER, fine.url, ["claim.submitted", "claim.paid"])
            number = await create_policy(stack.http)
            await submit(stack.http, number, headers=OTHER_SUBMITTER)  # X's 20 deliveries
            claim = await submit(stack.http, number)  # then Y's
            await wait_for_claim(stack.http, claim["claim_id"], {"paid"})
            await until(lambda: len(fine.accepted_ids()) == 2, "Y's submitted and paid")
            # X's share of the slots drains its own backlog meanwhile: each row tried once.
            x_rows = sa.text(
                "SELECT s.url, d.status, d.attempts FROM webhook_delivery d "
                "JOIN webhook_subscription s USING (subscription_id) "
                "WHERE s.owner = 'other-submitter' AND s.relay = :relay"
            )
            relay = {"relay": stack.settings.outbox_task_queue}

            async def x_deliveries() -> list[Any]:
                async with stack.engine.connect() as conn:
                    return list((await conn.execute(x_rows, relay)).all())

            rows = await wait_for(
                x_deliveries,
                lambda found: len(found) == 20 and all(row[2] >= 1 for row in found),
                what="X's 20 deliveries each tried once",
            )
    finally:
        await bad.stop()
        await fine.stop()

    assert mine["id"]
    gone = [(status, attempts) for url, status, attempts in rows if "/gone" in url]
    busy = [(status, attempts) for url, status, attempts in rows if "/busy" in url]
    assert gone == [("failed", 1)] * 10  # permanent: dead at once
    # Transient: attempted at most once and waiting, while Y's went through.
    assert len(busy) == 10
    assert busy == [("pending", 1)] * 10
    assert len(bad.requests) == 20  # and none of them was tried a second time
    assert bad.peak_open <= PATIENT["outbox_max_in_flight_per_principal"]


async def test_a_failing_receiver_is_paused_visibly_and_its_owner_resumes_it(
    make_stack: StackFactory,
) -> None:
    receiver = WebhookReceiver(default="500")
    await receiver.start()
    # One attempt at a time: the breaker opens with the third failure's record, and nothing is
    # handed out after it.
    settings = {
        "outbox_breaker_failures": 3,
        "outbox_breaker_cooldown_s": 600.0,
        "outbox_max_in_flight_per_principal": 1,
    }
    try:
        async with make_stack(**settings, outbox_first_retry_s=0.1, outbox_sweep_s=1.0) as stack:
            hook = await subscribe(stack, SUBMITTER, receiver.url)
            number = await create_policy(stack.http)
            claim = await submit(stack.http, number)
            await wait_for_claim(stack.http, claim["claim_id"], {"paid"})
            url = f"/v1/webhooks/{hook['id']}"

            async def paused() -> dict[str, Any]:
                shown: dict[str, Any] = (await stack.http.get(url, headers=SUBMITTER)).json()
                return shown

            shown = await wait_for(
                paused, lambda s: s["paused_until"] is not None, what="the receiver paused"
            )
            assert "failed repeatedly" in shown["paused_reason"]
            assert "HTTP 500" in shown["paused_reason"]
            attempts_when_paused = len(receiver.requests)
            # Paused: with retries due every 0.1 s and a sweep every second, the dispatcher
            # looks again and again, and sends nothing.
            queue = stack.settings.outbox_task_queue
            looks = await dispatcher_looks(stack.client, OutboxChannel.WEBHOOK, queue)
            await wait_for(
                lambda: dispatcher_looks(stack.client, OutboxChannel.WEBHOOK, queue),
                lambda n: n >= looks + 3,
                what="three looks by the dispatcher while the receiver is paused",
            )
            assert len(receiver.requests) == attempts_when_paused
            receiver.default = "ok"
            resumed = await stack.http.post(f"{url}/resume", headers=SUBMITTER)
            assert resumed.status_code == 200
            assert resumed.json()["paused_until"] is None
            expected = len({r.webhook_id for r in receiver.requests})
            await until(lambda: len(receiver.accepted_ids()) >= expected, "deliveries resumed")
    finally:
        await receiver.stop()
    assert attempts_when_paused == 3  # the breaker opened on the third failure in a row


async def test_subscriptions_per_principal_are_limited(make_stack: StackFactory) -> None:
    name = f"quota-{uuid.uuid4().hex[:8]}"  # a principal with no subscriptions yet
    keys = f"dev-admin-key:admin:dev-admin,{name}-key-0123456789:submitter:{name}"
    caller = {"Authorization": f"Bearer {name}-key-0123456789"}
    async with make_stack(api_keys=keys, webhook_max_per_submitter=2) as stack:
        made = [await subscribe(stack, caller, "http://127.0.0.1:9/hooks") for _ in range(2)]
        refused = await stack.http.post(
            "/v1/webhooks",
            headers=caller,
            json={"url": "http://127.0.0.1:9/hooks", "events": ["claim.paid"]},
        )
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        assert "most webhook subscriptions allowed (2)" in refused.json()["detail"]
        deleted = await stack.http.delete(f"/v1/webhooks/{made[0]['id']}", headers=caller)
        assert deleted.status_code == 204
        await subscribe(stack, caller, "http://127.0.0.1:9/hooks")


async def test_one_tenants_failing_subscription_never_pauses_anothers_on_the_same_receiver(
    make_stack: StackFactory,
) -> None:
    # One host:port, two tenants: the attacker's path always answers 503, the victim's 200.
    receiver = WebhookReceiver(answers={"fail": "503"})
    await receiver.start()
    keys = f"{DEV_API_KEYS},other-submitter-key:submitter:other-submitter"
    settings = {
        "outbox_breaker_failures": 2,
        "outbox_breaker_cooldown_s": 600.0,
        "outbox_first_retry_s": 0.1,
        "outbox_max_retry_s": 0.2,
    }
    try:
        async with make_stack(api_keys=keys, **settings) as stack:
            victim = await subscribe(stack, SUBMITTER, receiver.url_for("ok"), ["claim.submitted"])
            attacker = await subscribe(
                stack, OTHER_SUBMITTER, receiver.url_for("fail"), ["claim.submitted"]
            )
            number = await create_policy(stack.http)
            for _ in range(2):
                await submit(stack.http, number, headers=OTHER_SUBMITTER)

            async def shown(hook: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
                url = f"/v1/webhooks/{hook['id']}"
                found: dict[str, Any] = (await stack.http.get(url, headers=headers)).json()
                return found

            await wait_for(
                lambda: shown(attacker, OTHER_SUBMITTER),
                lambda s: s["paused_until"] is not None,
                what="the attacker's subscription paused",
            )
            # The victim's subscription on the same host:port is neither paused nor told of
            # the attacker's errors, and its new claim's delivery goes straight through.
            victim_now = await shown(victim, SUBMITTER)
            assert victim_now["paused_until"] is None, victim_now
            assert victim_now["paused_reason"] is None, victim_now
            claim = await submit(stack.http, number)
            expected = f"evt_{uuid.UUID(claim['claim_id']).hex}_"
            await until(
                lambda: any(i.startswith(expected) for i in receiver.accepted_ids()),
                "the victim's delivery",
            )
            assert (await shown(victim, SUBMITTER))["paused_until"] is None
    finally:
        await receiver.stop()
