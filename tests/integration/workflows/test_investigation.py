"""The investigating assessor end to end, through REST, with real workers and Postgres.

The fake provider plays the model's turns as a script (tools/fake_llm.py), over real HTTP
through litellm's tool calling; the tools run against the claim's real records.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import Any

from activities.assessment import LlmConfig
from claims.assessment import DATA_BEGIN
from claims.attachments import IMAGES_NOTE, message_text
from claims.models import Claimant
from tests.support.api import ADJUSTER, SUBMITTER, create_policy, submit, wait_for_claim
from tests.support.console import console_for
from tests.support.files import pdf, photo, upload
from tests.support.stack import Stack, StackFactory
from tools import samples as f
from tools.fake_llm import FakeLlmServer

QUESTION = "Please upload the police report for the theft."
APPROVE = {
    "recommendation": "approve",
    "confidence": 0.95,
    "rationale": "The police report confirms the theft.",
    "risk_flags": [],
}
THEO = Claimant(name="Theo", email=f"theo-{uuid.uuid4().hex}@example.com")
DOCUMENT_LINE = re.compile(r"document ([0-9a-f-]{36}): police-report\.pdf")


def model(server: FakeLlmServer, script: str) -> LlmConfig:
    return LlmConfig(model=f"openai/script-{script}", api_base=server.api_base, api_key="sk-test")


def read_the_report(messages: list[dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """Turn 3: the claimant answered; read the document they sent (its id is in the data)."""
    found = DOCUMENT_LINE.search(str(messages[1]["content"]))
    assert found, "the claim data lists no police report"
    return [("read_document", {"document_id": found.group(1)})]


async def test_a_theft_without_a_report_is_asked_about_waits_and_is_approved_on_the_answer(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    fake_llm.stats.scripts["theft"] = [
        [("prior_claims", {})],
        [("ask_claimant", {"question": QUESTION})],
        read_the_report,
        APPROVE,
    ]
    async with make_stack(agent_enabled=True, llm=model(fake_llm, "theft")) as stack:
        http = stack.http
        number = await create_policy(http)
        # This test's own amount and claimant: no earlier claim of the session looks like it.
        claim_id = (
            await submit(
                http, number, description=f.RED_FLAG_DESCRIPTION, amount="1234.56", claimant=THEO
            )
        )["claim_id"]
        waiting = await wait_for_claim(http, claim_id, {"awaiting_info"})
        asked = [e for e in waiting["events"] if e["type"] == "info_requested"]
        assert asked[-1]["detail"]["message_to_claimant"] == QUESTION
        assert asked[-1]["detail"]["asked_by"] == "model"
        # While the claim waits, adjusters already see what the agent did and asked.
        console = await console_for(http, "dev-adjuster-key")
        waiting_page = (await console.get(f"/console/claims/{claim_id}")).text
        assert "2 model turn(s), 2 tool call(s), 1 question(s)" in waiting_page
        assert "police report for the theft" in waiting_page
        report = pdf("Police report 4411 filed on 2 November for the stolen laptop.")
        sent = await upload(stack, claim_id, "police-report.pdf", report)
        assert sent.status_code == 201, sent.text
        paid = await wait_for_claim(http, claim_id, {"paid"})
        ledger = await http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)
        as_submitter = await http.get(f"/v1/claims/{claim_id}", headers=SUBMITTER)
        page = (await console.get(f"/console/claims/{claim_id}")).text
    assert paid["decision"]["decided_by"] == "model"
    assert ledger.json()["decision"]["rationale"] == APPROVE["rationale"]
    # Each turn of the conversation (keyed by the claim's data) was asked once: four turns.
    ours = {k: n for k, n in fake_llm.stats.turn_calls.items() if "1234.56" in k[0]}
    assert sorted(turn for _, turn in ours) == [0, 1, 2, 3]
    assert set(ours.values()) == {1}
    # The report's text reached the model as a tool result, between the data markers.
    last = fake_llm.stats.messages[-1]
    tool_results = [m["content"] for m in last if m.get("role") == "tool"]
    assert any("Police report 4411" in r and r.startswith(DATA_BEGIN) for r in tool_results)
    # Adjusters see the investigation: each call, the question, the report read (linked).
    assert "Investigation" in page
    assert "4 model turn(s), 3 tool call(s), 1 question(s)" in page
    assert html.escape(QUESTION, quote=True) in page or "police report for the theft" in page
    report_id = DOCUMENT_LINE.search(str(fake_llm.stats.messages[-1][1]["content"]))
    assert report_id is not None
    assert f"/console/claims/{claim_id}/documents/{report_id.group(1)}" in page
    # The transcript (it describes other claims too) is staff's, never the submitter's.
    submitted = [e for e in as_submitter.json()["events"] if e["type"] == "assessed"]
    assert "investigation" not in submitted[-1]["detail"]
    assessed = [e for e in paid["events"] if e["type"] == "assessed"][-1]
    assert assessed["detail"]["investigation"]["turns"] == 4
    assert assessed["detail"]["investigation"]["questions"] == 1


async def test_the_same_document_on_a_second_claim_is_flagged_and_goes_to_review(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    """prior_claims compares documents by digest: the same invoice twice is a duplicate, and
    routing sends the claim to a person whatever the model recommends."""
    fake_llm.stats.scripts["duplicate"] = [[("prior_claims", {})], APPROVE]
    invoice = pdf("Invoice 7781: new bumper, 1250.00")
    async with make_stack(agent_enabled=True, llm=model(fake_llm, "duplicate")) as stack:
        http = stack.http
        number = await create_policy(http)
        claimant = Claimant(name="Dot", email=f"dot-{uuid.uuid4().hex}@example.com")
        ordinary = f.submission_json(number, claimant=claimant)
        first = await with_file(stack, ordinary, "invoice.pdf", invoice)
        done = await wait_for_claim(http, first, {"paid", "awaiting_review"})
        later = f.submission_json(
            number, claimant=claimant, description="Bumper replaced after a car park knock."
        )
        second = await with_file(stack, later, "invoice-again.pdf", invoice)
        waiting = await wait_for_claim(http, second, {"awaiting_review", "paid"})
    assert done["status"] == "paid"  # the first has no earlier claim like it
    assert waiting["status"] == "awaiting_review"
    assert "possible_duplicate" in waiting["decision"]["reasons"]


async def with_file(stack: Stack, claim: dict[str, Any], name: str, data: bytes) -> str:
    """A claim sent with one file (the file is the claim's before its first step)."""
    sent = await stack.http.post(
        "/v1/claims/with-documents",
        headers=SUBMITTER | {"Idempotency-Key": uuid.uuid4().hex},
        data={"claim": json.dumps(claim)},
        files=[("file", (name, data, "application/octet-stream"))],
    )
    assert sent.status_code == 202, sent.text
    return str(sent.json()["claim_id"])


MISBEHAVIOURS = {
    "1001.11": [("policy_coverage", {})],  # loops for ever
    "1002.22": [("transfer_funds", {"to": "me"})],  # a tool that does not exist
    "1003.33": "I think this claim looks fine and should be paid.",  # prose, never a call
}


def misbehave(messages: list[dict[str, Any]]) -> Any:
    """Each claim's model misbehaves its own way (told apart by the claim's amount)."""
    data = str(messages[1]["content"])
    return next(turn for amount, turn in MISBEHAVIOURS.items() if amount in data)


async def test_models_that_loop_call_unknown_tools_or_ramble_are_stopped_and_sent_to_a_person(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    fake_llm.stats.scripts["misbehave"] = [misbehave]
    limits = {"agent_enabled": True, "agent_max_turns": 6, "agent_max_tool_calls": 4}
    async with make_stack(llm=model(fake_llm, "misbehave"), **limits) as stack:
        http = stack.http
        number = await create_policy(http)
        ids = {}
        for day, amount in enumerate(MISBEHAVIOURS, start=1):
            claimant = Claimant(name="Mo", email=f"mo-{uuid.uuid4().hex}@example.com")
            sent = await submit(
                http, number, amount=amount, claimant=claimant, incident_date=f"2026-07-0{day}"
            )
            ids[amount] = sent["claim_id"]
        ended = {a: await wait_for_claim(http, c, {"awaiting_review"}) for a, c in ids.items()}
    reasons = {a: claim["decision"]["reasons"] for a, claim in ended.items()}
    assert reasons == {
        "1001.11": ["agent_tool_call_limit"],
        "1002.22": ["agent_tool_call_limit"],
        "1003.33": ["model_output_invalid"],
    }
    turns = {
        a: [e for e in claim["events"] if e["type"] == "assessed"][-1]["detail"]["investigation"]
        for a, claim in ended.items()
    }
    assert turns["1001.11"]["tool_calls"] == 4
    assert turns["1002.22"]["bad_calls"] == 4
    assert turns["1003.33"]["turns"] == 3


async def test_a_photo_the_agent_reads_is_shown_to_a_model_that_sees(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    """gpt-4o-mini sees (litellm's table): once it has read the photo, the next turns carry the
    image beside the claim data, after our note that images are evidence."""
    vision = LlmConfig(model="openai/gpt-4o-mini", api_base=fake_llm.api_base, api_key="sk-test")
    async with make_stack(agent_enabled=True, llm=vision) as stack:
        number = await create_policy(stack.http)
        claimant = Claimant(name="Pia", email=f"pia-{uuid.uuid4().hex}@example.com")
        claim = f.submission_json(number, claimant=claimant, amount="1177.42")
        claim_id = await with_file(stack, claim, "dent.png", photo("PNG", colour="gray"))
        await wait_for_claim(stack.http, claim_id, {"paid", "awaiting_review"})
    ours = [m for m in fake_llm.stats.messages if "1177.42" in message_text(m[1]["content"])]
    read = [
        m
        for m in ours
        if any(x.get("role") == "tool" and "dent.png" in str(x["content"]) for x in m)
    ]
    assert read, "the agent never read the photo"
    parts = read[-1][1]["content"]
    assert isinstance(parts, list)
    assert IMAGES_NOTE in message_text(parts)
    assert [p["image_url"]["url"][:22] for p in parts if p.get("type") == "image_url"] == [
        "data:image/png;base64,"
    ]
    before = [m for m in ours if m not in read]
    assert all(isinstance(m[1]["content"], str) for m in before)  # not shown before it was read
