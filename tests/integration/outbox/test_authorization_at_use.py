"""What a subscription hears, and what its owner may list, follows the owner's role now."""

from __future__ import annotations

import sqlalchemy as sa

from infra.settings import DEV_API_KEYS
from tests.support.api import ADMIN, create_policy, submit, wait_for_claim
from tests.support.outbox import FAST_OUTBOX, expected_events, subscribe, until
from tests.support.stack import StackFactory
from tools.webhook_receiver import WebhookReceiver

WATCHER = "watcher-key-0123456789abcdef"
AS_WATCHER = {"Authorization": f"Bearer {WATCHER}"}


async def test_a_demoted_principal_stops_hearing_and_listing_others_claims_and_a_removed_one_pauses(
    make_stack: StackFactory,
) -> None:
    receiver = WebhookReceiver()
    await receiver.start()
    try:
        as_adjuster = f"{DEV_API_KEYS},{WATCHER}:adjuster:watcher"
        async with make_stack(api_keys=as_adjuster, **FAST_OUTBOX) as stack:
            hook = await subscribe(stack, AS_WATCHER, receiver.url)
            number = await create_policy(stack.http)
            before = await submit(stack.http, number)  # the dev submitter's claim
            await wait_for_claim(stack.http, before["claim_id"], {"paid"})
            heard_before = await expected_events(stack, before["claim_id"])
            await until(lambda: receiver.accepted_ids() >= heard_before, "the adjuster hearing")
            deliveries = f"/v1/webhooks/{hook['id']}/deliveries"
            listed = (await stack.http.get(deliveries, headers=AS_WATCHER)).json()["items"]
            assert {d["claim_id"] for d in listed} == {before["claim_id"]}

        # The same key, restarted as a submitter: nothing of others' claims, old or new.
        as_submitter = f"{DEV_API_KEYS},{WATCHER}:submitter:watcher"
        async with make_stack(api_keys=as_submitter, **FAST_OUTBOX) as stack:
            after = await submit(stack.http, number)
            await wait_for_claim(stack.http, after["claim_id"], {"paid"})
            listed = (await stack.http.get(deliveries, headers=AS_WATCHER)).json()["items"]
            assert listed == []
            async with stack.engine.connect() as conn:
                queued = await conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM webhook_delivery "
                        "WHERE subscription_id = :s AND claim_id = :c"
                    ),
                    {"s": hook["id"], "c": after["claim_id"]},
                )
            assert queued == 0

        # The key removed: its subscription is shown paused, with the reason.
        async with make_stack(**FAST_OUTBOX) as stack:
            shown = (await stack.http.get(f"/v1/webhooks/{hook['id']}", headers=ADMIN)).json()
            assert shown["paused_reason"] == (
                "the subscription's owner is no longer a configured principal"
            )
    finally:
        await receiver.stop()
    assert {r.json()["data"]["claim_id"] for r in receiver.accepted} == {before["claim_id"]}
