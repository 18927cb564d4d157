"""The adjuster console over HTTP: sessions, CSRF, escaping, the queue and the actions.

The browser tests (tests/system/browser/test_console.py) drive the same pages in Chromium; these
check what a browser cannot show, through the in-process app and real workers.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import random
import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.services import sessions
from infra.tables import ui_session
from tests.support.api import ADJUSTER, TERMINAL, create_policy, submit, wait_for_claim
from tests.support.console import Console, console_for, csrf_of, sign_in
from tests.support.held_records import HeldRecords
from tests.support.stack import WEB_UI_ORIGIN, Stack, StackFactory
from tools import samples as f
from tools.waiting import wait_for

CANARY = '<script>alert("xss")</script>"><img src=x onerror=alert(1)>'


def unique_amount() -> Decimal:
    """Above the auto-approve limit (5,000: the claim waits for a person), and unique enough
    that a test's amount filter finds only its own claims in the shared database."""
    return Decimal(f"{random.randint(6000, 40000)}.{random.randint(10, 99)}")


async def waiting_claim(stack: Stack, amount: Decimal, **overrides: Any) -> str:
    number = await create_policy(stack.http)
    body = await submit(stack.http, number, amount=str(amount), **overrides)
    claim_id: str = body["claim_id"]
    await wait_for_claim(stack.http, claim_id, {"awaiting_review"})
    return claim_id


async def payable_of(stack: Stack, claim_id: str) -> str:
    claim = await stack.http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)
    return str(claim.json()["payable_amount"])


async def test_sign_in_sets_a_strict_session_cookie_and_refuses_submitters(stack: Stack):
    http = stack.http
    form = await http.get("/console/sign-in")
    assert form.status_code == 200
    policy = form.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy

    submitter = await sign_in(http, "dev-submitter-key")
    assert submitter.status_code == 403
    assert sessions.CONSOLE.cookie not in submitter.headers.get("set-cookie", "")
    wrong = await sign_in(http, "not-a-key")
    assert wrong.status_code == 401

    signed_in = await sign_in(http, "dev-adjuster-key")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/console/queue"
    set_cookie = signed_in.headers["set-cookie"]
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/console", "Max-Age=28800"):
        assert attribute in set_cookie
    assert "dev-adjuster-key" not in set_cookie


async def test_pages_without_a_session_send_the_browser_to_sign_in(stack: Stack):
    anonymous = Console(stack.http, None)
    queue = await anonymous.get("/console/queue", type="auto")
    assert queue.status_code == 303
    assert queue.headers["location"] == "/console/sign-in?next=%2Fconsole%2Fqueue%3Ftype%3Dauto"
    post = await anonymous.post(f"/console/claims/{uuid.uuid4()}/approve", {}, csrf=False)
    assert post.status_code == 401
    assert "Your session has ended" in post.text


async def test_a_codec_session_does_not_open_the_console_nor_a_console_session_the_codec(
    stack: Stack,
):
    http = stack.http
    codec = await http.post("/codec/login", data={"key": "dev-adjuster-key"})
    http.cookies.clear()
    codec_value = codec.cookies[sessions.CODEC.cookie]
    borrowed = Console(http, codec_value)
    assert (await borrowed.get("/console/queue")).status_code == 303

    console = await console_for(http, "dev-adjuster-key")
    decode = await http.post(
        "/codec/decode",
        json={"payloads": []},
        headers={
            "Cookie": f"{sessions.CODEC.cookie}={console.session}",
            "X-Namespace": "default",
        },
    )
    assert decode.status_code == 401


async def test_signed_out_and_expired_sessions_are_refused_at_once(stack: Stack):
    console = await console_for(stack.http, "dev-adjuster-key")
    assert (await console.get("/console/queue")).status_code == 200
    signed_out = await console.post("/console/sign-out", {})
    assert signed_out.status_code == 200
    assert "Signed out." in signed_out.text
    assert (await console.get("/console/queue")).status_code == 303

    expiring = await console_for(stack.http, "dev-adjuster-key")
    assert (await expiring.get("/console/queue")).status_code == 200
    async with stack.engine.begin() as conn:
        await conn.execute(
            sa.update(ui_session)
            .where(ui_session.c.digest == sessions._digest(expiring.session or ""))
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert (await expiring.get("/console/queue")).status_code == 303


async def test_a_post_without_the_csrf_token_or_from_another_site_is_refused(stack: Stack):
    amount = unique_amount()
    claim_id = await waiting_claim(stack, amount)
    console = await console_for(stack.http, "dev-adjuster-key")
    path = f"/console/claims/{claim_id}/approve"

    missing = await console.post(path, {"approved_amount": "100"}, csrf=False)
    assert missing.status_code == 403
    forged = await console.post(path, {"approved_amount": "100", "csrf": "0" * 64}, csrf=False)
    assert forged.status_code == 403
    cross_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    other_site = await console.post(path, {"approved_amount": "100"}, headers=cross_site)
    assert other_site.status_code == 403
    # Another adjuster's token is not this session's.
    other = await console_for(stack.http, "dev-admin-key")
    swapped = await console.post(path, {"approved_amount": "100", "csrf": other.csrf}, csrf=False)
    assert swapped.status_code == 403

    page = await console.get(f"/console/claims/{claim_id}")
    assert "awaiting review" in page.text
    assert csrf_of(page.text) == console.csrf


async def test_a_hostile_description_renders_as_text(stack: Stack):
    claim_id = await waiting_claim(stack, unique_amount(), description=CANARY)
    console = await console_for(stack.http, "dev-adjuster-key")
    page = await console.get(f"/console/claims/{claim_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert html.escape(CANARY, quote=False) in page.text or "&lt;script&gt;" in page.text


async def test_an_adjuster_approves_part_of_a_claim_recorded_under_their_name(stack: Stack):
    amount = unique_amount()
    claim_id = await waiting_claim(stack, amount)
    console = await console_for(stack.http, "dev-adjuster-key")
    page = await console.get(f"/console/claims/{claim_id}")
    payable = amount - Decimal("500.00")
    assert f'value="{payable:,.2f}"' in page.text  # the amount field is prefilled with the payable

    too_much = await console.act(
        claim_id, "approve", approved_amount=str(payable + 1), note="Checked the invoice twice."
    )
    assert too_much.status_code == 422
    assert f"The amount must be more than 0 and at most {payable:,.2f} USD." in too_much.text
    # What was typed is back in the refused form, and only there.
    assert f'value="{payable + 1}"' in too_much.text
    assert too_much.text.count(">Checked the invoice twice.</textarea>") == 1
    not_money = await console.act(claim_id, "approve", approved_amount="lots")
    assert not_money.status_code == 422
    assert "Write the amount in figures, for example 1,250.00." in not_money.text
    # Clearing the amount is an error, never "pay everything".
    empty = await console.act(claim_id, "approve", approved_amount=" ", confirmed=False)
    assert empty.status_code == 422
    assert "Enter the amount to pay." in empty.text
    # Paying less needs a message telling the claimant why.
    unexplained = await console.act(claim_id, "approve", approved_amount="$1,234.50")
    assert unexplained.status_code == 422
    assert "write the claimant a message saying why" in unexplained.text

    # The first post only asks: the amount in figures and in words, and nothing is paid.
    why = "The invoice covers the bumper only; the headlight was already damaged."
    asked = await console.act(
        claim_id,
        "approve",
        approved_amount="$1,234.50",
        message_to_claimant=why,
        note="Checked the invoice twice.",
        confirmed=False,
    )
    assert asked.status_code == 200
    question = html.unescape(asked.text)
    assert "Pay 1,234.50 USD (one thousand two hundred thirty-four US dollars and fifty cents)" in (
        question
    )
    assert "Yes, pay 1,234.50 USD" in question
    assert f"The claimant's e-mail will say: {why}" in question
    assert 'name="approved_amount" value="1234.50"' in asked.text
    still = await stack.http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)
    assert still.json()["status"] == "awaiting_review"

    approved = await console.act(
        claim_id, "approve", approved_amount="1234.50", message_to_claimant=why
    )
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/console/claims/{claim_id}?done=approve"
    claim = await wait_for_claim(stack.http, claim_id, TERMINAL)
    assert claim["status"] == "paid"
    assert Decimal(claim["approved_amount"]) == Decimal("1234.50")
    assert claim["decision"]["adjuster"] == {"name": "dev-adjuster", "role": "adjuster"}

    done = await console.get(f"/console/claims/{claim_id}", done="approve")
    assert "Approved." in done.text
    assert "This claim is settled: paid." in done.text

    # A second adjuster, acting on the page they had open, is told the claim moved on.
    late = await console_for(stack.http, "dev-admin-key")
    conflict = await late.act(claim_id, "reject", note="Duplicate of an earlier claim.")
    assert conflict.status_code == 409
    assert "moved on" in conflict.text


async def test_reject_needs_a_reason_and_request_info_a_message(stack: Stack):
    claim_id = await waiting_claim(stack, unique_amount())
    console = await console_for(stack.http, "dev-adjuster-key")
    no_reason = await console.act(claim_id, "reject", note=" ")
    assert no_reason.status_code == 422
    assert "a rejection needs a reason" in no_reason.text
    no_message = await console.act(claim_id, "request-info", note="internal only")
    assert no_message.status_code == 422
    assert "message_to_claimant" in no_message.text
    asked = await console.act(
        claim_id,
        "request-info",
        message_to_claimant="Please send the repair invoice.",
        note="Invoice amount looked high.",
    )
    assert asked.status_code == 303
    claim = await wait_for_claim(stack.http, claim_id, {"awaiting_info"})
    assert claim["decision"]["reasons"] == ["Please send the repair invoice."]
    assert claim["decision"]["note"] == "Invoice amount looked high."


async def test_cancel_and_retry_are_for_admins(stack: Stack):
    claim_id = await waiting_claim(stack, unique_amount())
    adjuster = await console_for(stack.http, "dev-adjuster-key")
    page = await adjuster.get(f"/console/claims/{claim_id}")
    assert "Cancel claim" not in page.text
    refused = await adjuster.act(claim_id, "cancel", reason="not mine to cancel")
    assert refused.status_code == 403
    admin = await console_for(stack.http, "dev-admin-key")
    assert "Cancel claim" in (await admin.get(f"/console/claims/{claim_id}")).text
    cancelled = await admin.act(claim_id, "cancel", reason="Withdrawn by phone.")
    assert cancelled.status_code == 303
    claim = await wait_for_claim(stack.http, claim_id, {"cancelled"})
    assert claim["status"] == "cancelled"


async def test_the_queue_puts_escalated_claims_first_then_the_nearest_deadline(
    make_stack: StackFactory,
):
    low = Decimal(random.randint(100_000, 900_000))
    amounts = [low + 1, low + 2, low + 3]
    async with make_stack(auto_approve_limit=Decimal("5000")) as stack:
        number = await create_policy(stack.http, coverage_limit=Decimal("2000000"))
        # Submitted in this order; the first waits longest, but the last is escalated.
        ids = []
        for i, amount in enumerate(amounts):
            handle = await stack.start(
                f.submission(number, amount=amount),
                review_sla_s=2 if i == 2 else 86_400 * (3 - i),
            )
            ids.append(handle.id.removeprefix("claim-"))
        await wait_for_claim(stack.http, ids[2], {"awaiting_review"})
        for claim_id in ids:
            await wait_for_claim(stack.http, claim_id, {"awaiting_review"})

        async def escalated() -> bool:
            claim = await stack.http.get(f"/v1/claims/{ids[2]}", headers=ADJUSTER)
            return bool(claim.json()["escalated"])

        await wait_for(escalated, what="the short-SLA claim to escalate")
        console = await console_for(stack.http, "dev-adjuster-key")
        band = {"min_amount": str(low), "max_amount": str(low + 10)}
        queue = await console.get("/console/queue", **band)
        assert queue.status_code == 200
        order = [queue.text.index(claim_id) for claim_id in ids]
        # Escalated first; then claim 1 (due in 2 days) before claim 0 (due in 3).
        assert order[2] < order[1] < order[0]
        assert "Escalated" in queue.text
        assert "left" in queue.text

        only_escalated = await console.get("/console/queue", escalated="yes", **band)
        assert ids[2] in only_escalated.text
        assert ids[0] not in only_escalated.text
        by_reason = await console.get("/console/queue", reason="above_auto_approve_limit", **band)
        assert all(claim_id in by_reason.text for claim_id in ids)
        other_reason = await console.get("/console/queue", reason="low_model_confidence", **band)
        assert not any(claim_id in other_reason.text for claim_id in ids)
        fragment = await console.get("/console/queue", fragment="1", **band)
        # The part the page refreshes: the counts per state and the table, no page around them.
        assert fragment.text.lstrip().startswith('<nav aria-label="Claims per state"')
        assert "<table" in fragment.text
        assert "<html" not in fragment.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_amount": "lots"}, "min_amount"),
        ({"max_amount": "-5"}, "max_amount"),
        ({"min_amount": "10", "max_amount": "5"}, "max_amount"),
        ({"type": "boat"}, "type"),
        ({"escalated": "maybe"}, "escalated"),
        ({"reason": "<b>"}, "reason"),
        ({"page": "0"}, "page"),
        ({"page": "99999999999999999999"}, "page"),
        ({"state": "paid"}, "state"),
    ],
)
async def test_a_bad_filter_is_a_422_naming_the_field(stack: Stack, params, field):
    console = await console_for(stack.http, "dev-adjuster-key")
    answered = await console.get("/console/queue", **params)
    assert answered.status_code == 422
    assert f"{field}:" in answered.text


async def test_admins_see_parked_claims_and_adjusters_do_not(stack: Stack):
    adjuster = await console_for(stack.http, "dev-adjuster-key")
    admin = await console_for(stack.http, "dev-admin-key")
    assert (await adjuster.get("/console/queue", state="needs_attention")).status_code == 422
    assert (await admin.get("/console/queue", state="needs_attention")).status_code == 200
    assert "needs attention" in (await admin.get("/console/queue")).text
    assert "needs attention" not in (await adjuster.get("/console/queue")).text


async def test_a_slow_claim_shows_recorded_still_processing(
    make_stack: StackFactory, engine: AsyncEngine
):
    # The claim takes the decision, but recording it waits (a slow database). Its workflow
    # task stays open while the record runs, so the acceptance reaches Temporal with the
    # task's heartbeat (at 80% of its 10 s timeout): the wait must outlast that, not the record.
    records = HeldRecords(engine, hold={"approved"})
    async with make_stack(records=records, update_wait_s=20.0) as stack:
        claim_id = await waiting_claim(stack, unique_amount())
        console = await console_for(stack.http, "dev-adjuster-key")
        approved = await console.act(
            claim_id, "approve", approved_amount=await payable_of(stack, claim_id)
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == f"/console/claims/{claim_id}?done=pending"
        page = await console.get(f"/console/claims/{claim_id}", done="pending")
        assert "Recorded, still processing" in page.text
        records.release.set()
        claim = await wait_for_claim(stack.http, claim_id, TERMINAL)
        assert claim["status"] == "paid"


async def test_a_decision_the_claim_has_not_taken_in_time_says_so(make_stack: StackFactory):
    # No time even to be accepted: the console must not claim the decision was recorded.
    async with make_stack(update_wait_s=0.001) as stack:
        claim_id = await waiting_claim(stack, unique_amount())
        console = await console_for(stack.http, "dev-adjuster-key")
        approved = await console.act(
            claim_id, "approve", approved_amount=await payable_of(stack, claim_id)
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == f"/console/claims/{claim_id}?done=sent"
        page = await console.get(f"/console/claims/{claim_id}", done="sent")
        assert "has not taken it yet" in page.text
        assert "Recorded" not in page.text


async def test_wrong_keys_at_sign_in_are_limited_per_client(make_stack: StackFactory):
    async with make_stack(sign_in_max_failures=3) as stack:
        for _ in range(3):
            assert (await sign_in(stack.http, "guess-0000")).status_code == 401
        limited = await sign_in(stack.http, "dev-adjuster-key")
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert sessions.CONSOLE.cookie not in limited.headers.get("set-cookie", "")


async def test_the_claim_page_links_its_workflow_and_logs_no_personal_data(
    make_stack: StackFactory, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    async with make_stack(temporal_ui_url="http://ui.example:8233") as stack:
        claimant = {"name": "Quentin Consoleworth", "email": "quentin.console@example.org"}
        claim_id = await waiting_claim(stack, unique_amount(), claimant=claimant)
        console = await console_for(stack.http, "dev-adjuster-key")
        page = await console.get(f"/console/claims/{claim_id}")
        link = f'href="http://ui.example:8233/namespaces/default/workflows/claim-{claim_id}"'
        assert link in page.text
        assert "Quentin Consoleworth" in page.text
        rejected = await console.act(claim_id, "reject", note="canary-note-7781 not covered")
        assert rejected.status_code == 303
        await wait_for_claim(stack.http, claim_id, {"rejected"})
    logged = caplog.text
    for secret in ("Quentin Consoleworth", "quentin.console@example.org", "canary-note-7781"):
        assert secret not in logged


async def test_the_web_uis_origin_may_not_read_console_pages(stack: Stack):
    """CORS admits the Temporal Web UI's origin on the codec's paths alone: a script there,
    riding the adjuster's console cookie, must not read a claim page (personal data, CSRF)."""
    claim_id = await waiting_claim(stack, unique_amount())
    console = await console_for(stack.http, "dev-adjuster-key")
    origin = {"Origin": WEB_UI_ORIGIN}
    for path in ("/console/queue", f"/console/claims/{claim_id}"):
        page = await stack.http.get(path, headers=console.cookies | origin)
        assert page.status_code == 200
        assert not [h for h in page.headers if h.startswith("access-control-")], path
        preflight = await stack.http.options(
            path, headers=origin | {"Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in preflight.headers, path
    # The codec's own path still admits it.
    codec = await stack.http.options(
        "/codec/decode", headers=origin | {"Access-Control-Request-Method": "POST"}
    )
    assert codec.headers["access-control-allow-origin"] == WEB_UI_ORIGIN


async def test_the_losers_of_a_race_read_who_decided_and_what(stack: Stack):
    import asyncio

    claim_id = await waiting_claim(stack, unique_amount())
    adjuster = await console_for(stack.http, "dev-adjuster-key")
    admins = [await console_for(stack.http, "dev-admin-key") for _ in range(4)]
    # Five decisions at once: one approval, four rejections.
    answers = await asyncio.gather(
        adjuster.act(
            claim_id, "approve", approved_amount="1000.00", message_to_claimant="Depreciation."
        ),
        *(admin.act(claim_id, "reject", note="Duplicate.") for admin in admins),
    )
    won = [a for a in answers if a.status_code == 303]
    lost = [a for a in answers if a.status_code != 303]
    assert len(won) == 1, [a.status_code for a in answers]
    winner = "dev-adjuster" if answers[0].status_code == 303 else "dev-admin"
    done = "approved this claim (1,000.00)" if winner == "dev-adjuster" else "rejected this claim"
    for answer in lost:
        text = html.unescape(answer.text)
        assert answer.status_code == 409
        assert f"{winner} {done}" in text, text[:3000]
        assert "your request was not applied" in text
        assert "catching up" not in text
        # No form is offered again on a claim someone else decided.
        assert "Approve and pay" not in text


async def test_search_finds_any_claim_by_number_claimant_or_policy_and_names_a_bad_field(
    stack: Stack,
):
    amount = unique_amount()
    email = f"search-{uuid.uuid4().hex[:8]}@example.org"
    claimant = {"name": "Grace Hopper-Search", "email": email}
    first_id = await waiting_claim(stack, amount, claimant=claimant)
    first = (await stack.http.get(f"/v1/claims/{first_id}", headers=ADJUSTER)).json()
    # A second claim on the same policy by the same claimant, rejected (not in the queue).
    second = await submit(
        stack.http, first["policy_number"], claimant=claimant, amount=str(amount + 1)
    )
    await wait_for_claim(stack.http, second["claim_id"], {"awaiting_review"})
    console = await console_for(stack.http, "dev-adjuster-key")
    await console.act(second["claim_id"], "reject", note="Duplicate.")
    await wait_for_claim(stack.http, second["claim_id"], {"rejected"})

    by_number = await console.get("/console/search", q=first["claim_number"].lower())
    assert by_number.status_code == 200
    assert f'href="/console/claims/{first_id}"' in by_number.text
    assert second["claim_id"] not in by_number.text
    by_claimant = await console.get("/console/search", q=email, sort="amount", order="asc")
    text = by_claimant.text
    assert text.index(first["claim_number"]) < text.index(second["claim_number"])
    assert "rejected" in text  # settled claims are found too
    rejected_only = await console.get(
        "/console/search", policy_number=first["policy_number"], status="rejected"
    )
    assert second["claim_number"] in rejected_only.text
    assert first["claim_number"] not in rejected_only.text
    # A wildcard is text, not a pattern.
    wild = await console.get("/console/search", q="%", policy_number=first["policy_number"])
    assert "No claim matches this search." in wild.text

    for params, field in (
        ({"sort": "password"}, "sort"),
        ({"submitted_from": "yesterday"}, "submitted_from"),
        ({"min_amount": "5", "max_amount": "1"}, "max_amount"),
        ({"q": "x" * 201}, "q"),
    ):
        bad = await console.get("/console/search", **params)
        assert bad.status_code == 422
        assert f"{field}:" in bad.text

    # The claim page lists the other claim on the policy and by the claimant.
    page = await console.get(f"/console/claims/{first_id}")
    assert page.text.count(f'href="/console/claims/{second["claim_id"]}"') == 2
    assert f'<span class="mono">{first["claim_number"]}</span>' in page.text


async def test_adjusters_take_release_and_reassign_and_an_override_is_asked_and_recorded(
    stack: Stack,
):
    amount = unique_amount()
    claim_id = await waiting_claim(stack, amount)
    adjuster = await console_for(stack.http, "dev-adjuster-key")
    admin = await console_for(stack.http, "dev-admin-key")

    taken = await adjuster.act(claim_id, "take")
    assert taken.status_code == 303
    page = await adjuster.get(f"/console/claims/{claim_id}")
    assert "Held by <strong>you</strong>" in page.text
    mine = await adjuster.get("/console/queue", held="me", min_amount=str(amount))
    assert f'href="/console/claims/{claim_id}"' in mine.text
    theirs = await admin.get("/console/queue", held="me", min_amount=str(amount))
    assert f'href="/console/claims/{claim_id}"' not in theirs.text
    nobody = await admin.get("/console/queue", held="nobody", min_amount=str(amount))
    assert f'href="/console/claims/{claim_id}"' not in nobody.text

    # Reassigning names a real adjuster or admin, or says which field is wrong.
    for who in ("nobody-such", "dev-submitter"):
        wrong = await admin.act(claim_id, "reassign", assignee=who)
        assert wrong.status_code == 422
        assert f"{who} is not an active adjuster or admin" in wrong.text
    refused = await adjuster.act(claim_id, "reassign", assignee="dev-admin")
    assert refused.status_code == 403

    # Deciding a claim someone else holds asks first, then is recorded as an override.
    held = await admin.act(claim_id, "reject", note="Duplicate.")
    assert held.status_code == 409
    assert "dev-adjuster holds this claim" in html.unescape(held.text)
    decided = await admin.act(claim_id, "reject", note="Duplicate.", override="yes")
    assert decided.status_code == 303
    await wait_for_claim(stack.http, claim_id, {"rejected"})
    history = html.unescape((await admin.get(f"/console/claims/{claim_id}")).text)
    assert "Took the claim" in history
    assert "Decided although dev-adjuster held the claim" in history
    assert "Rejected the claim. Internal note: “Duplicate.”" in history


async def test_release_and_reassign_are_in_the_history(stack: Stack):
    claim_id = await waiting_claim(stack, unique_amount())
    adjuster = await console_for(stack.http, "dev-adjuster-key")
    admin = await console_for(stack.http, "dev-admin-key")
    assert (await adjuster.act(claim_id, "take")).status_code == 303
    assert (await admin.act(claim_id, "take")).status_code == 303
    assert (await admin.act(claim_id, "reassign", assignee="dev-adjuster")).status_code == 303
    page = await adjuster.get(f"/console/claims/{claim_id}")
    assert "Held by <strong>you</strong>" in page.text
    assert "(assigned by dev-admin)" in page.text
    assert (await admin.act(claim_id, "release")).status_code == 303
    text = html.unescape((await adjuster.get(f"/console/claims/{claim_id}")).text)
    assert "Nobody holds this claim." in text
    assert "Took the claim over from dev-adjuster" in text
    assert "Reassigned the claim to dev-adjuster (from dev-admin)" in text
    assert "Released the claim (held by dev-adjuster)" in text


async def test_a_refused_payment_is_explained_its_payee_corrected_and_then_paid(
    make_stack: StackFactory, engine: AsyncEngine
):
    from activities.payment import LedgerRail
    from infra.store import payments

    closed = f"{uuid.uuid4().hex[:8]}@closed-account.example"
    rail = LedgerRail(blocked_payees=[closed])
    async with make_stack(rail=rail) as stack:
        number = await create_policy(stack.http)
        claim = await submit(stack.http, number, claimant={"name": "Ada", "email": closed})
        claim_id = claim["claim_id"]
        await wait_for_claim(stack.http, claim_id, {"awaiting_review"})
        console = await console_for(stack.http, "dev-adjuster-key")
        page = html.unescape((await console.get(f"/console/claims/{claim_id}")).text)
        assert "The bank refused the last payment" in page
        assert f"payee account {closed} is refused by the payment rail" in page
        assert "the claimant's own account again" in page

        new_account = f"{uuid.uuid4().hex[:8]}@open-account.example"
        no_note = await console.act(claim_id, "payee", payee=new_account)
        assert no_note.status_code == 422
        assert "a correction by staff needs a note saying why" in no_note.text
        corrected = await console.act(
            claim_id, "payee", payee=new_account, note="The claimant phoned with a new account."
        )
        assert corrected.status_code == 303
        page = html.unescape((await console.get(f"/console/claims/{claim_id}")).text)
        assert f"the corrected account {new_account}" in page
        assert f"Payee account corrected to {new_account}" in page
        payable = await payable_of(stack, claim_id)
        assert (await console.act(claim_id, "approve", approved_amount=payable)).status_code == 303
        paid = await wait_for_claim(stack.http, claim_id, TERMINAL)
    assert paid["status"] == "paid"
    async with engine.connect() as conn:
        payment = await payments.get(conn=conn, claim_id=uuid.UUID(claim_id))
    assert payment is not None
    assert payment.payee == new_account


async def test_the_claimants_system_corrects_its_payee_and_staff_say_why(stack: Stack):
    from tests.support.api import SUBMITTER

    claim_id = await waiting_claim(stack, unique_amount())
    body = {"payee": "new-account@example.org"}
    missing = await stack.http.post(
        f"/v1/claims/{uuid.uuid4()}/payee", headers=SUBMITTER, json=body
    )
    assert missing.status_code == 404
    staff = await stack.http.post(f"/v1/claims/{claim_id}/payee", headers=ADJUSTER, json=body)
    assert staff.status_code == 422
    assert "note" in staff.text
    bad = await stack.http.post(
        f"/v1/claims/{claim_id}/payee", headers=SUBMITTER, json={"payee": "a\nb"}
    )
    assert bad.status_code == 422
    own = await stack.http.post(f"/v1/claims/{claim_id}/payee", headers=SUBMITTER, json=body)
    assert own.status_code == 200, own.text
    events = [e["type"] for e in own.json()["events"]]
    assert "payee_corrected" in events


async def test_an_internal_note_any_time_is_in_the_history_and_nowhere_a_claimant_reads(
    stack: Stack,
):
    from tests.support.api import SUBMITTER

    claim_id = await waiting_claim(stack, unique_amount())
    console = await console_for(stack.http, "dev-adjuster-key")
    empty = await console.act(claim_id, "note", text="   ")
    assert empty.status_code == 422
    assert "The note: write the note first." in empty.text
    secret = f"Called the garage {uuid.uuid4().hex[:6]}: invoice confirmed."
    assert (await console.act(claim_id, "note", text=secret)).status_code == 303
    page = html.unescape((await console.get(f"/console/claims/{claim_id}")).text)
    assert f"Internal note: “{secret}”" in page
    claimant = await stack.http.get(f"/v1/claims/{claim_id}", headers=SUBMITTER)
    assert secret not in claimant.text
