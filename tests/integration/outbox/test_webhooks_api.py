"""The subscription routes: who owns what, the secret shown once, URLs refused, 404s."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from contracts import LEGACY_OUTBOX_WORKFLOW_NAME, OutboxChannel, dispatcher_id
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER
from tests.support.outbox import OTHER_SUBMITTER
from tests.support.stack import Stack
from tools.waiting import wait_for
from workers.outbox_worker import end_legacy_relays, start_dispatchers

HOOK: dict[str, object] = {
    "url": "http://127.0.0.1:9/hooks",
    "events": ["claim.paid", "claim.rejected"],
}


async def _subscribe(stack: Stack, headers: dict[str, str], **body: object) -> dict[str, object]:
    response = await stack.http.post("/v1/webhooks", headers=headers, json=HOOK | body)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def test_the_secret_is_shown_once_and_rotation_replaces_it(webhook_stack: Stack) -> None:
    http = webhook_stack.http
    created = await _subscribe(webhook_stack, SUBMITTER, description="our claims system")
    assert str(created["secret"]).startswith("whsec_")
    assert created["owner"] == "dev-submitter"
    assert created["events"] == ["claim.paid", "claim.rejected"]

    shown = (await http.get(f"/v1/webhooks/{created['id']}", headers=SUBMITTER)).json()
    assert "secret" not in shown
    assert shown["description"] == "our claims system"

    rotated = await http.post(f"/v1/webhooks/{created['id']}/rotate-secret", headers=SUBMITTER)
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    again = (await http.get(f"/v1/webhooks/{created['id']}", headers=SUBMITTER)).json()
    assert again["secret_rotated_at"] is not None

    # The secret is sealed at rest: the row never holds it in the clear.
    async with webhook_stack.engine.connect() as conn:
        stored = (
            await conn.execute(
                sa.text("SELECT sealed_secret FROM webhook_subscription WHERE subscription_id=:i"),
                {"i": created["id"]},
            )
        ).scalar_one()
    assert rotated.json()["secret"] not in stored


async def test_subscriptions_belong_to_their_principal(webhook_stack: Stack) -> None:
    http = webhook_stack.http
    mine = await _subscribe(webhook_stack, SUBMITTER)
    theirs = await _subscribe(webhook_stack, OTHER_SUBMITTER)

    listed = {h["id"] for h in (await http.get("/v1/webhooks", headers=SUBMITTER)).json()}
    assert mine["id"] in listed
    assert theirs["id"] not in listed
    for method, path in [
        ("GET", f"/v1/webhooks/{theirs['id']}"),
        ("DELETE", f"/v1/webhooks/{theirs['id']}"),
        ("POST", f"/v1/webhooks/{theirs['id']}/rotate-secret"),
        ("GET", f"/v1/webhooks/{theirs['id']}/deliveries"),
    ]:
        response = await http.request(method, path, headers=SUBMITTER)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"

    everyone = {h["id"] for h in (await http.get("/v1/webhooks", headers=ADMIN)).json()}
    assert {mine["id"], theirs["id"]} <= everyone
    adjusters = {h["id"] for h in (await http.get("/v1/webhooks", headers=ADJUSTER)).json()}
    assert mine["id"] not in adjusters


async def test_deleting_stops_the_subscription(webhook_stack: Stack) -> None:
    http = webhook_stack.http
    created = await _subscribe(webhook_stack, SUBMITTER)
    # No workflow per subscription: an idle one costs the server nothing.
    with pytest.raises(RPCError):
        await webhook_stack.client.get_workflow_handle(f"webhook-{created['id']}").describe()

    response = await http.delete(f"/v1/webhooks/{created['id']}", headers=SUBMITTER)
    assert response.status_code == 204
    assert (await http.get(f"/v1/webhooks/{created['id']}", headers=SUBMITTER)).status_code == 404


async def test_bad_subscriptions_are_422s_naming_the_field(webhook_stack: Stack) -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"url": "ftp://127.0.0.1/x"}, "url"),
        ({"url": "http://10.0.0.8/hooks"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "http://user:pw@127.0.0.1/x"}, "url"),
        ({"url": "x" * 3000}, "url"),
        # Parse errors are 422s too, never 500s (an empty label, a 64-character label).
        ({"url": "http://a..b/"}, "url"),
        ({"url": f"https://{'a' * 64}.example.com/"}, "url"),
        # IPv4 written inside IPv6: compatible, translated, NAT64, 6to4 (all 127.0.0.1).
        ({"url": "http://[::7f00:1]/"}, "url"),
        ({"url": "http://[::ffff:0:7f00:1]/"}, "url"),
        ({"url": "http://[64:ff9b::7f00:1]/"}, "url"),
        ({"url": "http://[2002:7f00:1::]/"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["claim.exploded"]}, "events"),
        ({"description": "a\x00b"}, "description"),
        ({"secret": "mine"}, "secret"),
    ]
    for change, field in cases:
        response = await webhook_stack.http.post(
            "/v1/webhooks", headers=SUBMITTER, json=HOOK | change
        )
        assert response.status_code == 422, (change, response.text)
        assert field in response.json()["detail"], (change, response.json())
    async with webhook_stack.engine.connect() as conn:
        count = (
            await conn.execute(
                sa.text("SELECT count(*) FROM webhook_subscription WHERE url LIKE '%10.0.0.8%'")
            )
        ).scalar_one()
    assert count == 0


async def test_unknown_ids_are_404s(webhook_stack: Stack) -> None:
    missing = uuid.uuid4()
    http = webhook_stack.http
    assert (await http.get(f"/v1/webhooks/{missing}", headers=ADMIN)).status_code == 404
    response = await http.post(f"/v1/webhooks/{missing}/deliveries/1/redeliver", headers=ADMIN)
    assert response.status_code == 404
    assert (await http.get("/v1/webhooks/not-a-uuid", headers=ADMIN)).status_code == 422


async def test_a_worker_starting_up_runs_the_dispatchers_and_ends_the_old_relays(
    webhook_stack: Stack,
) -> None:
    """One dispatcher per channel serves every subscription (an idle one costs nothing); the
    per-subscription relays of the earlier design are ended, not left failing in the Web UI."""
    client, settings = webhook_stack.client, webhook_stack.settings
    legacy = await client.start_workflow(
        LEGACY_OUTBOX_WORKFLOW_NAME,
        id=f"webhook-{uuid.uuid4()}",
        task_queue=f"nobody-polls-{uuid.uuid4().hex[:6]}",
    )
    await start_dispatchers(client, settings)  # a second replica starting: nothing new
    # Visibility lags a start by a moment: the relay is listed once it shows there.
    await wait_for(
        lambda: client.count_workflows(f"WorkflowId = '{legacy.id}'"),
        lambda counted: counted.count > 0,
        what="the legacy relay listed",
    )
    ended = await end_legacy_relays(client)

    assert ended >= 1
    assert (await legacy.describe()).status == WorkflowExecutionStatus.TERMINATED
    dispatcher = client.get_workflow_handle(
        dispatcher_id(OutboxChannel.WEBHOOK, settings.outbox_task_queue)
    )
    assert (await dispatcher.describe()).status == WorkflowExecutionStatus.RUNNING
