"""Personal data reaches Temporal only encrypted, and operators decode it through our codec.

A claim full of canaries (claimant, email, story, holder, adjuster note) goes through review
and payment. Temporal's stored history holds none of them; our codec endpoint gives them back
to an adjuster and to nobody else; search attributes never carry them.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import Client

from infra.encryption import data_converter
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, review, wait_for_claim
from tests.support.history import decoded_payloads, raw_history
from tests.support.stack import WEB_UI_ORIGIN, Stack
from tools import samples as f

CANARIES = {
    "name": "Quentin Canaryworth",
    "email": "quentin.canaryworth@example.org",
    "description": "My heirloom harpsichord canary-story-8841 fell down the stairs.",
    "holder": "Henrietta Canaryholder",
    "note": "canary-note-5512 verified with the receipt",
}


async def _canary_claim(stack: Stack) -> dict[str, Any]:
    policy = await stack.add_policy(f.policy(holder_name=CANARIES["holder"]))
    body = f.submission_json(
        policy.policy_number,
        claimant={"name": CANARIES["name"], "email": CANARIES["email"]},
        description=CANARIES["description"],
        amount=Decimal("6000.00"),  # above the auto-approve limit: an adjuster reviews it
    )
    submitted = await stack.http.post("/v1/claims", headers=SUBMITTER, json=body)
    assert submitted.status_code == 202, submitted.text
    claim_id = submitted.json()["claim_id"]
    await wait_for_claim(stack.http, claim_id, {"awaiting_review"})
    reviewed = await review(stack.http, claim_id, decision="approve", note=CANARIES["note"])
    assert reviewed.status_code == 200, reviewed.text
    return await wait_for_claim(stack.http, claim_id, {"paid"})


@pytest.fixture
async def paid_canary(stack: Stack) -> dict[str, Any]:
    return await _canary_claim(stack)


async def test_the_stored_history_holds_no_personal_data(
    stack: Stack, paid_canary: dict[str, Any]
) -> None:
    workflow_id = paid_canary["workflow_id"]
    raw = await raw_history(stack.client, workflow_id)
    for field, canary in CANARIES.items():
        assert canary.encode() not in raw, f"the {field} is in the stored history"
    assert b"binary/encrypted" in raw
    # Positive control: decoded with our key ring, the same history holds them all.
    decoded = await decoded_payloads(stack.client, workflow_id)
    for canary in CANARIES.values():
        assert canary.encode() in decoded


async def test_search_attributes_carry_no_personal_data(
    stack: Stack, paid_canary: dict[str, Any]
) -> None:
    handle = stack.client.get_workflow_handle(paid_canary["workflow_id"])
    description = await handle.describe()
    shown = json.dumps(
        {pair.key.name: str(pair.value) for pair in description.typed_search_attributes}
    )
    assert "ClaimStatus" in shown
    for canary in CANARIES.values():
        assert canary not in shown
    assert CANARIES["name"] not in (await description.static_summary() or "")


async def _first_input_payload(client: Client, workflow_id: str) -> dict[str, Any]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    payload = started.input.payloads[0]
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


async def test_the_codec_endpoint_decodes_for_staff_only(
    stack: Stack, paid_canary: dict[str, Any]
) -> None:
    http = stack.http
    stored = await _first_input_payload(stack.client, paid_canary["workflow_id"])
    body = {"payloads": [stored]}
    headers = {"X-Namespace": "default"}
    for caller, expected in ((ADJUSTER, 200), (ADMIN, 200), (SUBMITTER, 403), ({}, 401)):
        answered = await http.post("/codec/decode", json=body, headers=headers | caller)
        assert answered.status_code == expected, answered.text
    decoded = (await http.post("/codec/decode", json=body, headers=headers | ADJUSTER)).json()
    [plain] = decoded["payloads"]
    text = base64.b64decode(plain["data"]).decode()
    assert CANARIES["name"] in text
    assert base64.b64decode(plain["metadata"]["encoding"]) == b"json/plain"
    # And back: encoding gives ciphertext the decoder reads again.
    encoded = (await http.post("/codec/encode", json=decoded, headers=ADJUSTER)).json()
    assert CANARIES["name"].encode() not in base64.b64decode(encoded["payloads"][0]["data"])
    again = (await http.post("/codec/decode", json=encoded, headers=ADJUSTER)).json()
    assert base64.b64decode(again["payloads"][0]["data"]).decode() == text
    wrong_namespace = await http.post(
        "/codec/decode", json=body, headers=ADJUSTER | {"X-Namespace": "other"}
    )
    assert wrong_namespace.status_code == 400
    tampered = dict(stored, data=base64.b64encode(b"\x00" * 40).decode())
    refused = await http.post("/codec/decode", json={"payloads": [tampered]}, headers=ADJUSTER)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "payloads"]


async def test_cors_admits_only_the_web_uis_origin(stack: Stack) -> None:
    ui = WEB_UI_ORIGIN
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    allowed = await stack.http.options("/codec/decode", headers=preflight | {"Origin": ui})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ui
    refused = await stack.http.options(
        "/codec/decode", headers=preflight | {"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_a_claim_started_under_one_key_finishes_after_rotation(
    client: Client, make_stack: Any
) -> None:
    target = client.service_client.config.target_host
    old_ring = [("old", b"o" * 32)]
    new_ring = [("new", b"n" * 32), *old_ring]
    old_client = await Client.connect(target, data_converter=data_converter(old_ring))
    new_client = await Client.connect(target, data_converter=data_converter(new_ring))
    async with make_stack(temporal=old_client) as before:
        policy = await before.add_policy(f.policy())
        body = f.submission_json(policy.policy_number, amount=Decimal("6000.00"))
        submitted = (await before.http.post("/v1/claims", headers=SUBMITTER, json=body)).json()
        await wait_for_claim(before.http, submitted["claim_id"], {"awaiting_review"})
        queues = {
            "task_queue": before.settings.task_queue,
            "llm_task_queue": before.settings.llm_task_queue,
            # The same Worker Deployment: the claim is pinned to its build, which restarts.
            "deployment_name": before.settings.deployment_name,
        }
    # Every worker and the API restart with the new key first; the old one still decrypts.
    async with make_stack(temporal=new_client, **queues) as after:
        reviewed = await review(after.http, submitted["claim_id"], decision="approve")
        assert reviewed.status_code == 200, reviewed.text
        await wait_for_claim(after.http, submitted["claim_id"], {"paid"})
    raw = await raw_history(new_client, submitted["workflow_id"])
    assert b"encryption-key-id" in raw
    # Payloads written before the rotation name the old key, those after it the new one.
    assert b"old" in raw
    assert b"new" in raw
    # Without the old key, the claim's first payloads can no longer be read.
    lost = await Client.connect(target, data_converter=data_converter([("new", b"n" * 32)]))
    handle = lost.get_workflow_handle(submitted["workflow_id"])
    with pytest.raises(Exception, match="old"):
        await decoded_payloads(lost, handle.id)
