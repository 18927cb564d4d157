"""Claim events reach subscribers signed, once each, through faults; dead letters and redelivery."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook
from temporalio.worker import Replayer

from claims.delivery import UNRESOLVABLE_AFTER_ATTEMPTS
from contracts import OutboxChannel, dispatcher_id
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, create_policy, submit, wait_for_claim
from tests.support.outbox import FAST_OUTBOX, OTHER_SUBMITTER, expected_events, subscribe, until
from tests.support.stack import Stack
from tools.waiting import wait_for
from tools.webhook_receiver import WebhookReceiver
from workflows.outbox import OutboxDispatcher
from workflows.sandbox import claim_workflow_runner


async def paid_claim_events(stack: Stack) -> set[str]:
    """Submit a claim as the submitter and wait until it is paid; its webhook event ids."""
    number = await create_policy(stack.http)
    claim = await submit(stack.http, number)
    await wait_for_claim(stack.http, claim["claim_id"], {"paid"})
    return await expected_events(stack, claim["claim_id"])


async def test_each_subscriber_hears_what_it_may_see_signed_and_without_personal_data(
    webhook_stack: Stack, receiver: WebhookReceiver
) -> None:
    # By name: the delivery connects to the address checked, naming the host in `Host`.
    by_name = receiver.url_for("mine").replace("127.0.0.1", "localhost")
    mine = await subscribe(webhook_stack, SUBMITTER, by_name)
    other = await subscribe(webhook_stack, OTHER_SUBMITTER, receiver.url_for("other"))
    adjuster = await subscribe(
        webhook_stack, ADJUSTER, receiver.url_for("adjuster"), ["claim.paid", "claim.rejected"]
    )
    number = await create_policy(webhook_stack.http)
    paid = await submit(webhook_stack.http, number)
    rejected = await submit(webhook_stack.http, "POL-UNKNOWN-1", headers=OTHER_SUBMITTER)
    await wait_for_claim(webhook_stack.http, paid["claim_id"], {"paid"})
    await wait_for_claim(webhook_stack.http, rejected["claim_id"], {"rejected"})
    expected_paid = await expected_events(webhook_stack, paid["claim_id"])
    expected_rejected = await expected_events(webhook_stack, rejected["claim_id"])

    def ids(name: str) -> set[str]:
        return {r.webhook_id for r in receiver.accepted_at(name)}

    await until(lambda: ids("mine") >= expected_paid, "the submitter's events")
    await until(lambda: ids("other") >= expected_rejected, "the other submitter's events")
    await until(lambda: len(ids("adjuster")) >= 2, "the adjuster's paid and rejected")

    # Each owner hears only its own claims; the adjuster hears every claim, only what it asked.
    assert ids("mine") == expected_paid
    assert ids("other") == expected_rejected
    assert {r.headers["host"] for r in receiver.accepted_at("mine")} == {by_name.split("/")[2]}
    types = {r.json()["type"] for r in receiver.accepted_at("mine")}
    assert {"claim.submitted", "claim.assessed", "claim.approved", "claim.paid"} <= types
    adjuster_seen = {
        (r.json()["data"]["claim_id"], r.json()["type"]) for r in receiver.accepted_at("adjuster")
    }
    assert adjuster_seen == {
        (paid["claim_id"], "claim.paid"),
        (rejected["claim_id"], "claim.rejected"),
    }

    # Signed with each subscription's own secret, checked by an independent implementation.
    for name, subscription in [("mine", mine), ("other", other), ("adjuster", adjuster)]:
        for request in receiver.accepted_at(name):
            Webhook(subscription["secret"]).verify(request.body, request.headers)

    # Ids and statuses only: nothing the claimant wrote or is called.
    for request in receiver.requests:
        text = request.body.decode()
        for personal in ("Ada Lovelace", "ada@example.com", "Rear-ended"):
            assert personal not in text
    last = next(r for r in receiver.accepted_at("mine") if r.json()["type"] == "claim.paid")
    assert last.json()["data"]["status"] == "paid"
    # Every event names the claim by the number people quote, as the API answered it.
    assert {r.json()["data"]["claim_number"] for r in receiver.accepted_at("mine")} == {
        paid["claim_number"]
    }
    signed = {k: last.headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    verified = Webhook(mine["secret"]).verify(last.body, last.headers)
    print(f"\nsigned delivery: {signed}\nbody: {last.body.decode()}")
    print(f"standardwebhooks.Webhook(secret).verify(body, headers) -> {verified}")

    listed = await webhook_stack.http.get(
        f"/v1/webhooks/{mine['id']}/deliveries?status=delivered", headers=SUBMITTER
    )
    assert {d["event_id"] for d in listed.json()["items"]} == expected_paid


async def test_faults_are_retried_and_duplicates_carry_the_same_id(
    webhook_stack: Stack, receiver: WebhookReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="activities.outbox_attempts")
    # 500, a hang past the 1 s attempt timeout, a dropped connection, a redirect (never
    # followed: it could point anywhere): then it recovers.
    receiver.misbehave(["500", "hang", "close", "redirect", "500", "close"])
    hook = await subscribe(webhook_stack, SUBMITTER, receiver.url)
    expected = await paid_claim_events(webhook_stack)

    await until(lambda: receiver.accepted_ids() >= expected, "every event through the faults")
    assert receiver.accepted_ids() == expected
    assert not receiver.plan, "every fault was met"
    failed_ids = {r.webhook_id for r in receiver.requests if r.answered != "ok"}
    assert failed_ids <= expected  # a retry repeats the event's own id
    assert all(r.path == "/hooks" for r in receiver.requests)

    async def outcomes() -> set[tuple[str, str | None]]:
        async with webhook_stack.engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT status, last_error FROM webhook_delivery WHERE subscription_id = :s"
                ),
                {"s": uuid.UUID(hook["id"])},
            )
            return {(r.status, r.last_error) for r in rows}

    # The receiver answers before the sender records the outcome: let the rows settle. Every
    # delivery settles, and the last attempt's error is cleared.
    await wait_for(outcomes, {("delivered", None)}.__eq__, what="every delivery recorded")

    # A failing receiver costs the log one line per attempt and no traceback: an expected
    # failure is not a bug, and a receiver failing for hours must not fill the disk.
    async with webhook_stack.engine.connect() as conn:
        ids = set(
            (
                await conn.execute(
                    sa.text("SELECT delivery_id FROM webhook_delivery WHERE subscription_id = :s"),
                    {"s": uuid.UUID(hook["id"])},
                )
            ).scalars()
        )
    ours = [
        r
        for r in caplog.records
        if r.name == "activities.outbox_attempts"
        and (m := re.match(r"webhook (\d+) ", r.getMessage()))
        and int(m[1]) in ids
    ]
    assert len(ours) == len(receiver.requests)
    assert [r for r in ours if r.exc_info or r.stack_info] == []
    failed = [r.getMessage() for r in ours if " failed: " in r.getMessage()]
    assert len(failed) == len([r for r in receiver.requests if r.answered != "ok"])


async def test_a_dead_receiver_never_holds_up_a_claim_and_its_events_are_dead_lettered(
    make_stack: Any, receiver: WebhookReceiver
) -> None:
    # Every request hangs past the sender's 0.5 s timeout: a receiver that is there but dead.
    receiver.default = "hang"
    fast_giving_up = {
        "outbox_first_retry_s": 0.1,
        "outbox_max_retry_s": 0.3,
        "outbox_attempt_timeout_s": 0.5,
        "outbox_retry_period_s": 3.0,
        "outbox_max_in_flight_per_principal": 2,
        "outbox_breaker_failures": 1000,
    }
    async with make_stack(**fast_giving_up) as stack:
        subscription = await subscribe(stack, SUBMITTER, receiver.url)
        # The claim is paid while its receiver answers nothing.
        expected = await paid_claim_events(stack)
        failed_url = f"/v1/webhooks/{subscription['id']}/deliveries?status=failed"

        async def dead_letters() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = (
                await stack.http.get(failed_url, headers=SUBMITTER)
            ).json()["items"]
            return items

        letters = await wait_for(
            dead_letters, lambda found: len(found) >= len(expected), what="every dead letter"
        )
        assert {d["event_id"] for d in letters} == expected
        # Each one given up when its retry period ran out (a timeout is never permanent), after
        # retries: a row first tried late in its period (a loaded machine) may get one attempt.
        assert {d["last_error"] for d in letters} == {"no answer within 0.5 s (retry period over)"}
        assert max(d["attempts"] for d in letters) >= 2
        # The principal never had more than its cap of deliveries outstanding.
        assert len(expected) > 2

        assert receiver.peak_open == 2

        # Only an admin redelivers; once the receiver recovers, the letter is delivered.
        target = letters[0]
        redeliver = f"/v1/webhooks/{subscription['id']}/deliveries/{target['id']}/redeliver"
        assert (await stack.http.post(redeliver, headers=SUBMITTER)).status_code == 403
        receiver.default = "ok"
        assert (await stack.http.post(redeliver, headers=ADMIN)).status_code == 202
        await until(lambda: target["event_id"] in receiver.accepted_ids(), "the redelivery")
        again = await stack.http.post(redeliver, headers=ADMIN)
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"


async def test_a_dispatchers_history_replays_deterministically(
    webhook_stack: Stack, receiver: WebhookReceiver
) -> None:
    # Faults on the way, so the history holds retried deliveries as well as polls and wakes.
    receiver.misbehave(["500", "close"])
    hook = await subscribe(webhook_stack, SUBMITTER, receiver.url)
    expected = await paid_claim_events(webhook_stack)
    await until(lambda: receiver.accepted_ids() >= expected, "every event")

    queue = webhook_stack.settings.outbox_task_queue
    handle = webhook_stack.client.get_workflow_handle(dispatcher_id(OutboxChannel.WEBHOOK, queue))
    history = await handle.fetch_history()
    replayer = Replayer(
        workflows=[OutboxDispatcher],
        data_converter=webhook_stack.client.data_converter,
        workflow_runner=claim_workflow_runner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    # One activity per attempt: each event once, and the two failed attempts once more each.
    assert scheduled.count("deliver_webhook") == len(expected) + 2
    assert hook["id"]


async def test_after_a_rotation_deliveries_verify_with_the_old_secret_and_the_new(
    webhook_stack: Stack, receiver: WebhookReceiver
) -> None:
    hook = await subscribe(webhook_stack, SUBMITTER, receiver.url)
    rotated = await webhook_stack.http.post(
        f"/v1/webhooks/{hook['id']}/rotate-secret", headers=SUBMITTER
    )
    new_secret = rotated.json()["secret"]
    expected = await paid_claim_events(webhook_stack)
    await until(lambda: receiver.accepted_ids() >= expected, "every event")

    for request in receiver.accepted:
        Webhook(new_secret).verify(request.body, request.headers)
        Webhook(hook["secret"]).verify(request.body, request.headers)
        assert len(request.headers["webhook-signature"].split()) == 2


class _FlakyName:
    """One host name, resolved to loopback until `gone` is set; every other name as usual."""

    def __init__(self) -> None:
        self.name = f"gone-{uuid.uuid4().hex[:8]}.test"
        self.gone = False
        self._real = asyncio.BaseEventLoop.getaddrinfo

    @property
    def getaddrinfo_of_loop(self) -> Any:
        """A replacement for the event loop's method: called with the loop as its first argument."""
        flaky = self

        async def getaddrinfo(loop: Any, host: Any, *args: Any, **kwargs: Any) -> Any:
            return await flaky.getaddrinfo(loop, host, *args, **kwargs)

        return getaddrinfo

    async def getaddrinfo(self, loop: Any, host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == self.name:
            if self.gone:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            host = "127.0.0.1"
        return await self._real(loop, host, *args, **kwargs)


async def test_a_host_that_stops_resolving_is_dead_lettered_after_a_few_lookups(
    make_stack: Any, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name that resolved when the subscription was made, then stopped resolving: one failed
    # lookup is retried like any hiccup; several in a row mean the name is gone.
    dns = _FlakyName()
    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", dns.getaddrinfo_of_loop)
    # A retry period no loaded machine runs out of before the lookups do; and no sweep to
    # come to the rescue: each retry must be looked for when its back-off ends.
    patient = {"outbox_retry_period_s": 600.0, "outbox_sweep_s": 600.0}
    async with make_stack(**(FAST_OUTBOX | patient)) as stack:
        url = receiver.url.replace("127.0.0.1", dns.name)
        hook = await subscribe(stack, SUBMITTER, url, ["claim.submitted"])
        dns.gone = True
        await submit(stack.http, await create_policy(stack.http))

        async def letters() -> list[dict[str, Any]]:
            listing = f"/v1/webhooks/{hook['id']}/deliveries?status=failed"
            answer = await stack.http.get(listing, headers=SUBMITTER)
            items: list[dict[str, Any]] = answer.json()["items"]
            return items

        [letter] = await wait_for(letters, lambda found: len(found) == 1, what="the dead letter")
    assert letter["attempts"] == UNRESOLVABLE_AFTER_ATTEMPTS
    assert letter["last_error"] == "url host does not resolve"
    assert receiver.requests == []
