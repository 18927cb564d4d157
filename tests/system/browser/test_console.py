"""The adjuster console in Chromium, against real workers, with no network beyond 127.0.0.1.

The API runs in-process behind a real uvicorn server (the browser needs a socket); the claims
and llm workers are real, on this module's own task queues. Every request to another host is
refused and recorded, and each test fails on any. axe-core checks every page; screenshots are
saved under each test's temporary directory (CLAIMS_CONSOLE_SCREENSHOTS=docs refreshes the
guide's).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, FilePayload, Locator, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from activities.payment import LedgerRail
from app.main import create_app
from claims.lifecycle import EventType
from devstack.processes import free_port
from infra.tables import ui_session
from tests.support import faults
from tests.support.api import ADMIN, create_policy, submit, wait_for_claim
from tests.support.console import console_for
from tests.support.files import pdf, photo, upload
from tests.support.parking import Submission
from tests.support.stack import Stack, running_stack, stack_settings
from tests.system.browser.conftest import OfflineContext
from tools import samples as f

# A directory (docs/) to refresh the guide's screenshots in: `CLAIMS_CONSOLE_SCREENSHOTS=docs`.
SCREENSHOTS = os.environ.get("CLAIMS_CONSOLE_SCREENSHOTS")


async def for_the_guide(shown: Page | Locator, name: str) -> None:
    """Save a screenshot for docs/adjusters.md when asked to refresh them."""
    if SCREENSHOTS:
        await shown.screenshot(path=Path(SCREENSHOTS) / name)


THEFT = f.RED_FLAG_DESCRIPTION  # a theft with no police report: the risk rules fire
CANARY = '<script>alert("xss")</script>"><img src=x onerror=alert(1)>'
SERIOUS = ("serious", "critical")


@dataclass
class ConsoleSite:
    base: str
    stack: Stack

    async def red_flag_claim(self, **overrides: Any) -> tuple[str, Decimal]:
        """A claim waiting for review because the risk rules fired, with an amount no other
        claim has (the queue is filtered to it, as an adjuster would)."""
        amount = Decimal(f"{random.randint(1000, 4400)}.{random.randint(10, 99)}")
        number = await create_policy(self.stack.http)
        values = {"description": THEFT, "amount": str(amount)} | overrides
        body = await submit(self.stack.http, number, **values)
        await wait_for_claim(self.stack.http, body["claim_id"], {"awaiting_review"})
        return body["claim_id"], amount


CLOSED_ACCOUNT = f"{uuid.uuid4().hex[:8]}@closed-account.example"


@pytest.fixture(scope="module")
async def site(
    client: Client, engine: AsyncEngine, database_url: str
) -> AsyncIterator[ConsoleSite]:
    settings = stack_settings(database_url, temporal_ui_url="http://127.0.0.1:8233")
    # The bank refuses one account: the refused-payment test's claimant uses it.
    rail = LedgerRail(blocked_payees=[CLOSED_ACCOUNT])
    async with running_stack(client, engine, settings, rail=rail) as stack:
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, temporal=client),
                host="127.0.0.1",
                port=port,
                log_level="warning",
            )
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.05)
        try:
            yield ConsoleSite(f"http://127.0.0.1:{port}", stack)
        finally:
            server.should_exit = True
            await serving


@asynccontextmanager
async def another_browser(browser: Browser, **options: Any) -> AsyncIterator[Page]:
    """A page in a browser context of its own (another person's browser, a phone, scripts
    off), kept offline like the first; it must not have asked any other host for anything."""
    context = await browser.new_context(**options)
    guarded = OfflineContext(context)
    await guarded.install()
    try:
        yield await context.new_page()
    finally:
        await context.close()
    assert guarded.refused == []


async def check_accessibility(page: Page, name: str, report: dict[str, str]) -> None:
    results = await Axe().run(page, options={"resultTypes": ["violations", "passes"]})
    assert results.response["passes"], "axe-core ran no rule on the page"
    violations = results.response["violations"]
    serious = [v for v in violations if v["impact"] in SERIOUS]
    report[name] = f"{len(serious)} serious or critical, {len(violations)} in all"
    print(f"\naxe {name}: {report[name]}")
    assert serious == [], results.generate_report()


async def sign_in(page: Page, site: ConsoleSite, key: str = "dev-adjuster-key") -> None:
    await page.goto(f"{site.base}/console/sign-in")
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Review queue").wait_for()


async def filter_to(page: Page, amount: Decimal) -> None:
    await page.get_by_label("Amount from").fill(str(amount))
    await page.get_by_label("Amount to").fill(str(amount))
    await page.get_by_role("button", name="Filter").click()
    await page.get_by_role("heading", name="Review queue").wait_for()


async def open_first_claim(page: Page, claim_id: str) -> None:
    first = page.locator("table.queue tbody tr").first.get_by_role("link")
    await expect(first).to_have_attribute("href", f"/console/claims/{claim_id}")
    await first.click()
    await page.get_by_role("heading", name="Actions").wait_for()


async def status_shown(page: Page) -> str:
    return (await page.locator("#status .status").inner_text()).strip()


async def test_an_adjuster_approves_part_of_a_red_flag_claim_and_sees_it_paid(
    site: ConsoleSite, offline: OfflineContext, tmp_path: Path
) -> None:
    claim_id, amount = await site.red_flag_claim()
    page = await offline.context.new_page()
    axe: dict[str, str] = {}
    started = time.monotonic()

    await page.goto(f"{site.base}/console/queue")  # not signed in: sent to sign in first
    await page.get_by_role("heading", name="Sign in").wait_for()
    await check_accessibility(page, "sign-in", axe)
    await page.get_by_label("API key").fill("dev-adjuster-key")
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Review queue").wait_for()
    await filter_to(page, amount)
    row = page.locator("table.queue tbody tr").first
    await expect(row).to_contain_text("model risk flags")
    await page.screenshot(path=tmp_path / "console-queue.png", full_page=True)
    await check_accessibility(page, "queue", axe)
    await open_first_claim(page, claim_id)
    await expect(page.locator("#main")).to_contain_text(THEFT)
    await expect(page.locator("#main")).to_contain_text("model risk flags")
    await check_accessibility(page, "claim", axe)
    await for_the_guide(page, "console-claim.png")
    await page.screenshot(path=tmp_path / "console-claim.png", full_page=True)

    # The page is not reloaded from here on: a marker set now must survive to `paid`.
    await page.evaluate("window.__sameDocument = true")
    partial = (amount - Decimal("500.00") - Decimal("100.00")).quantize(Decimal("0.01"))
    amount_field = page.get_by_label("Amount to pay")
    await expect(amount_field).to_have_value(f"{amount - Decimal('500.00'):,.2f}")
    await amount_field.fill(f"{partial:,.2f}")
    await page.get_by_label("Payment message to the claimant").fill(
        "Less the cracked mirror's glass."
    )
    await page.get_by_role("button", name="Approve and pay").click()
    # Nothing is paid before the adjuster confirms the amount, in figures and in words.
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Approve claim CLM-")
    await expect(page.locator("#main")).to_contain_text("US dollars")
    await check_accessibility(page, "confirmation", axe)
    await for_the_guide(page, "console-confirm.png")
    await page.get_by_role("button", name=f"Yes, pay {partial:,.2f} USD").click()
    await expect(page.get_by_role("status")).to_contain_text("Approved.")
    await expect(page.locator("#status .status")).to_have_text("paid", timeout=60_000)
    elapsed = time.monotonic() - started
    assert await page.evaluate("window.__sameDocument === true")
    await expect(page.locator("#ledger")).to_contain_text("dev-adjuster")
    await expect(page.locator("#status")).to_contain_text(f"{partial:,.2f}")
    await page.screenshot(path=tmp_path / "console-paid.png", full_page=True)
    print(f"\nconsole: sign-in to a paid claim in {elapsed:.1f} s; axe {axe}")
    assert offline.refused == []


async def test_reject_and_request_information_are_shown_in_place(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    rejected_id, rejected_amount = await site.red_flag_claim()
    asked_id, asked_amount = await site.red_flag_claim()
    page = await offline.context.new_page()
    await sign_in(page, site)

    await filter_to(page, rejected_amount)
    await open_first_claim(page, rejected_id)
    await page.get_by_label("Reason (internal").fill("No police report after two requests.")
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("status")).to_contain_text("Rejected.")
    await expect(page.locator("#status .status")).to_have_text("rejected")

    await page.goto(f"{site.base}/console/queue")
    await filter_to(page, asked_amount)
    await open_first_claim(page, asked_id)
    await page.get_by_label("What is missing").fill("Please send the police report.")
    await page.get_by_role("button", name="Request information").click()
    await expect(page.get_by_role("status")).to_contain_text("Information requested")
    await expect(page.locator("#status .status")).to_have_text("awaiting info")
    await expect(page.locator("#ledger")).to_contain_text("Please send the police report.")
    assert offline.refused == []


async def test_two_adjusters_act_on_one_claim_and_the_second_sees_the_conflict(
    site: ConsoleSite, offline: OfflineContext, browser: Browser
) -> None:
    claim_id, _ = await site.red_flag_claim()
    first = await offline.context.new_page()
    await sign_in(first, site, "dev-adjuster-key")
    async with another_browser(browser) as second:
        await sign_in(second, site, "dev-admin-key")
        for page in (first, second):
            await page.goto(f"{site.base}/console/claims/{claim_id}")
        await first.get_by_role("button", name="Approve and pay").click()
        await first.get_by_role("button", name="Yes, pay").click()
        await expect(first.get_by_role("status")).to_contain_text("Approved.")
        await second.get_by_label("Reason (internal").fill("Looks like a duplicate.")
        await second.get_by_role("button", name="Reject").click()
        alert = second.get_by_role("alert")
        await expect(alert).to_contain_text("dev-adjuster approved this claim")
        await expect(alert).to_contain_text("your request was not applied")
        await check_accessibility(second, "claim with a conflict", {})
        assert "Traceback" not in await second.content()
    assert offline.refused == []


async def test_an_open_claim_page_follows_a_decision_made_elsewhere(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim_id, _ = await site.red_flag_claim()
    page = await offline.context.new_page()
    await sign_in(page, site)
    await page.goto(f"{site.base}/console/claims/{claim_id}")
    await expect(page.get_by_role("button", name="Approve and pay")).to_be_visible()
    await page.evaluate("window.__sameDocument = true")
    # Another adjuster decides (here through the API, as any client of ours may).
    rejected = await site.stack.http.post(
        f"/v1/claims/{claim_id}/review",
        headers=ADMIN,
        json={"decision": "reject", "note": "Duplicate of an earlier claim."},
    )
    assert rejected.status_code == 200, rejected.text
    # The open page follows without a reload, and offers no decision any more.
    await expect(page.locator("#status .status")).to_have_text("rejected", timeout=30_000)
    await expect(page.get_by_role("button", name="Approve and pay")).to_have_count(0)
    assert await page.evaluate("window.__sameDocument === true")
    assert offline.refused == []


async def test_an_adjuster_finds_a_claim_by_its_number_and_by_its_claimant(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim_id, _ = await site.red_flag_claim()
    claim = (await site.stack.http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
    number, email = claim["claim_number"], claim["claimant"]["email"]
    page = await offline.context.new_page()
    await sign_in(page, site)
    await page.get_by_role("link", name="Search claims").click()
    await page.get_by_label("Claim number, claimant or e-mail").fill(number)
    await page.get_by_role("button", name="Search").click()
    result = page.locator("table.results tbody tr")
    await expect(result).to_have_count(1)
    await expect(result.first).to_contain_text(number)
    await check_accessibility(page, "search", {})
    await for_the_guide(page, "console-search.png")
    await page.get_by_label("Claim number, claimant or e-mail").fill(email)
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("link", name=number)).to_be_visible()
    await page.get_by_role("link", name=number).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    assert offline.refused == []


async def test_every_page_reflows_at_320_px_without_sideways_scrolling(
    site: ConsoleSite, browser: Browser, tmp_path: Path
) -> None:
    claim_id, _ = await site.red_flag_claim()
    sent = await upload(site.stack, uuid.UUID(claim_id), "damage.png", photo("PNG"))
    assert sent.status_code == 201, sent.text
    # A phone held upright: 320 CSS pixels (WCAG 1.4.10 reflow).
    report: dict[str, str] = {}
    async with another_browser(browser, viewport={"width": 320, "height": 640}) as page:
        await page.goto(f"{site.base}/console/sign-in")

        async def fits(name: str) -> None:
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{name} is {width} px wide at 320 px"
            await check_accessibility(page, f"{name} at 320 px", report)

        await fits("sign-in")
        await page.get_by_label("API key").fill("dev-adjuster-key")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("heading", name="Review queue").wait_for()
        await fits("queue")
        await for_the_guide(page.locator("#queue-table"), "console-320.png")
        await page.goto(f"{site.base}/console/search?q=example")
        await fits("search")
        await page.goto(f"{site.base}/console/claims/{claim_id}")
        await page.get_by_role("heading", name="Actions").wait_for()
        await fits("claim")
        await page.get_by_role("button", name="Approve and pay").click()
        await page.get_by_role("heading", name="Check before you confirm").wait_for()
        await fits("confirmation")
        await page.screenshot(path=tmp_path / "console-320.png", full_page=True)
    print(f"\nreflow at 320 px: {report}")


async def test_one_adjuster_takes_a_claim_and_another_decides_it_only_after_saying_so(
    site: ConsoleSite, offline: OfflineContext, browser: Browser
) -> None:
    claim_id, _ = await site.red_flag_claim()
    holder = await offline.context.new_page()
    await sign_in(holder, site, "dev-adjuster-key")
    await holder.goto(f"{site.base}/console/claims/{claim_id}")
    await holder.get_by_role("button", name="Take this claim").click()
    await expect(holder.get_by_role("status")).to_contain_text("You hold this claim now")
    await holder.goto(f"{site.base}/console/queue?held=me")
    await expect(holder.locator(f'a[href="/console/claims/{claim_id}"]')).to_be_visible()

    async with another_browser(browser) as admin:
        await sign_in(admin, site, "dev-admin-key")
        await admin.goto(f"{site.base}/console/claims/{claim_id}")
        await expect(admin.locator("#actions")).to_contain_text("Held by dev-adjuster")
        await admin.get_by_role("button", name="Approve and pay").click()
        alert = admin.get_by_role("alert")
        await expect(alert).to_contain_text("dev-adjuster holds this claim")
        await check_accessibility(admin, "decision on a held claim", {})
        await for_the_guide(admin.locator("#actions"), "console-held.png")
        await admin.get_by_label("Decide although dev-adjuster holds it", exact=False).first.check()
        await admin.get_by_role("button", name="Approve and pay").click()
        await admin.get_by_role("button", name="Yes, pay").click()
        await expect(admin.get_by_role("status")).to_contain_text("Approved.")
        await expect(admin.locator("#timeline")).to_contain_text(
            "Decided although dev-adjuster held the claim"
        )
    assert offline.refused == []


async def test_a_refused_payment_is_corrected_and_paid_from_the_console(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claimant = {"name": "Ada Lovelace", "email": CLOSED_ACCOUNT}
    number = await create_policy(site.stack.http)
    claim = await submit(site.stack.http, number, claimant=claimant, amount="800.00")
    claim_id = claim["claim_id"]
    await wait_for_claim(site.stack.http, claim_id, {"awaiting_review"})
    page = await offline.context.new_page()
    await sign_in(page, site)
    await page.goto(f"{site.base}/console/claims/{claim_id}")
    refusal = page.locator(".refusal")
    await expect(refusal).to_contain_text("The bank refused the last payment")
    await expect(refusal).to_contain_text(f"payee account {CLOSED_ACCOUNT} is refused")
    await check_accessibility(page, "refused payment", {})
    await for_the_guide(refusal, "console-refused-payment.png")
    await page.get_by_label("Account to pay instead").fill("ada@open-account.example")
    await page.get_by_label("Why (internal").fill("Ada phoned with her new account.")
    await page.get_by_role("button", name="Correct the payee").click()
    await expect(page.get_by_role("status")).to_contain_text("Payee corrected")
    await expect(refusal).to_contain_text("the corrected account ada@open-account.example")
    await page.get_by_role("button", name="Approve and pay").click()
    await page.get_by_role("button", name="Yes, pay").click()
    await expect(page.locator("#status .status")).to_have_text("paid", timeout=60_000)
    assert offline.refused == []


async def test_a_parked_claim_is_explained_and_an_admin_retries_it(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim = Submission(site.stack)
    async with faults.refuse_event(site.stack.engine, claim.claim_id, EventType.REVIEWED) as fault:
        await claim.submit(description=THEFT, amount="900.00")
        await wait_for_claim(site.stack.http, claim.claim_id, {"awaiting_review"})
        adjuster = await console_for(site.stack.http, "dev-adjuster-key")
        decided = await adjuster.act(str(claim.claim_id), "approve", approved_amount="400.00")
        assert decided.status_code == 303
        await wait_for_claim(site.stack.http, claim.claim_id, {"needs_attention"})
        page = await offline.context.new_page()
        await sign_in(page, site, "dev-admin-key")
        await page.goto(f"{site.base}/console/claims/{claim.claim_id}")
        parked = page.locator(".parked")
        await expect(parked).to_contain_text("Record reviewed, approved")
        await expect(parked).to_contain_text("it pays 400.00 USD")
        await expect(parked).to_contain_text("returns to awaiting review")
        await check_accessibility(page, "parked claim", {})
        await for_the_guide(parked, "console-parked.png")
        await fault.fix()
        await page.get_by_role("button", name="Retry").click()
        await expect(page.locator("#status .status")).to_have_text("paid", timeout=60_000)
    assert offline.refused == []


async def test_a_submitter_key_is_refused_at_sign_in(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    page = await offline.context.new_page()
    await page.goto(f"{site.base}/console/sign-in")
    await page.get_by_label("API key").fill("dev-submitter-key")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("for adjusters and admins")
    assert await offline.context.cookies() == []
    assert offline.refused == []


async def test_a_form_without_its_csrf_token_is_refused(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim_id, _ = await site.red_flag_claim()
    page = await offline.context.new_page()
    await sign_in(page, site)
    await page.goto(f"{site.base}/console/claims/{claim_id}")
    # A forged form: the same fields, but no token (as another site's page would have to).
    await page.evaluate(
        """() => document.querySelectorAll('input[name=csrf]').forEach(i => i.remove())"""
    )
    await page.get_by_role("button", name="Approve and pay").click()
    await expect(page.get_by_role("alert")).to_contain_text("did not come from the console")
    await check_accessibility(page, "refused", {})
    await page.goto(f"{site.base}/console/claims/{claim_id}")
    assert await status_shown(page) == "awaiting review"
    assert offline.refused == []


async def test_an_xss_canary_in_a_claim_renders_inert(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim_id, _ = await site.red_flag_claim(description=f"{THEFT} {CANARY}")
    page = await offline.context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await sign_in(page, site)
    await page.goto(f"{site.base}/console/claims/{claim_id}")
    description = page.locator(".description")
    await expect(description).to_contain_text('<script>alert("xss")</script>')
    assert await page.locator("#main img").count() == 0
    assert await page.locator("#main script").count() == 0
    await asyncio.sleep(0.5)  # an injected handler would have fired by now
    assert dialogs == []
    assert offline.refused == []


async def test_signed_out_and_expired_sessions_are_refused(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    page = await offline.context.new_page()
    await sign_in(page, site)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("alert")).to_contain_text("Signed out.")
    await page.goto(f"{site.base}/console/queue")
    await page.get_by_role("heading", name="Sign in").wait_for()

    await sign_in(page, site)
    async with site.stack.engine.begin() as conn:
        await conn.execute(
            sa.update(ui_session)
            .where(ui_session.c.purpose == "console", ui_session.c.revoked_at.is_(None))
            .where(ui_session.c.principal == "dev-adjuster")
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    await page.reload()
    await page.get_by_role("heading", name="Sign in").wait_for()
    assert offline.refused == []


async def test_the_queue_and_an_approval_work_from_the_keyboard_alone(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim_id, amount = await site.red_flag_claim()
    page = await offline.context.new_page()
    await page.goto(f"{site.base}/console/sign-in")
    await tab_to(page, "#key")
    await page.keyboard.type("dev-adjuster-key")
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Review queue").wait_for()
    await tab_to(page, "#min_amount")
    await page.keyboard.type(str(amount))
    await page.keyboard.press("Tab")
    await page.keyboard.type(str(amount))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Review queue").wait_for()
    await tab_to(page, f'a[href="/console/claims/{claim_id}"]')
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Actions").wait_for()
    await tab_to(page, "#approved_amount")
    await tab_to(page, 'form[action$="/approve"] button')
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Check before you confirm").wait_for()
    await tab_to(page, 'form[action$="/approve"] button')
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("Approved.")
    await expect(page.locator("#status .status")).to_have_text("paid", timeout=60_000)
    assert offline.refused == []


async def test_the_queue_refreshes_itself_when_a_claim_arrives(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    amount = Decimal(f"{random.randint(1000, 4400)}.{random.randint(10, 99)}")
    page = await offline.context.new_page()
    await sign_in(page, site)
    await filter_to(page, amount)
    await expect(page.locator("table.queue tbody")).to_contain_text("No claims are waiting")
    await page.evaluate("window.__sameDocument = true")
    claim_id, _ = await site.red_flag_claim(amount=str(amount))
    link = page.locator(f'a[href="/console/claims/{claim_id}"]')
    await expect(link).to_be_visible(timeout=30_000)
    assert await page.evaluate("window.__sameDocument === true")
    assert offline.refused == []


async def test_every_action_works_with_scripts_off(site: ConsoleSite, browser: Browser) -> None:
    claim_id, amount = await site.red_flag_claim()
    async with another_browser(browser, java_script_enabled=False) as page:
        await sign_in(page, site)
        await filter_to(page, amount)
        await open_first_claim(page, claim_id)
        await page.get_by_role("button", name="Approve and pay").click()
        # A plain post asks first; its Yes button posts again.
        await page.get_by_role("button", name="Yes, pay").click()
        # A plain post, answered with a redirect to the claim's page and what was done.
        await expect(page.get_by_role("status")).to_contain_text("Approved.")
        assert page.url.endswith(f"/console/claims/{claim_id}?done=approve")
        await wait_for_claim(site.stack.http, claim_id, {"paid"})
        await page.reload()
        assert await status_shown(page) == "paid"


async def tab_to(page: Page, selector: str, most: int = 60) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(most):
        if await page.evaluate(
            "s => document.activeElement !== null && document.activeElement.matches(s)", selector
        ):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never took the focus in {most} presses of Tab")


async def test_a_photo_shows_as_a_thumbnail_a_pdf_opens_and_an_adjuster_attaches_a_file(
    site: ConsoleSite, offline: OfflineContext
) -> None:
    claim_id, _ = await site.red_flag_claim()
    for name, data in (
        ("damage.png", photo("PNG", colour="teal")),
        ("police.pdf", pdf("Report 7")),
    ):
        sent = await upload(site.stack, uuid.UUID(claim_id), name, data)
        assert sent.status_code == 201, sent.text
    page = await offline.context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    await sign_in(page, site)
    await page.goto(f"{site.base}/console/claims/{claim_id}")
    thumbnail = page.get_by_role("img", name="Photo damage.png (opens full size)")
    await expect(thumbnail).to_be_visible()
    # Loaded through the CSP (img-src 'self'), decoded by the browser: a real picture. (decode()
    # waits for the load, and fails if the image cannot be loaded or decoded.)
    # The thumbnail loads lazily: scrolled to, as an adjuster reading down the page does.
    await thumbnail.scroll_into_view_if_needed()
    assert await thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 64
    frame = page.locator("iframe.pdf")
    await expect(frame).to_have_attribute("sandbox", "")
    pdf_url = await frame.get_attribute("src")
    assert pdf_url is not None
    opened = await page.request.get(f"{site.base}{pdf_url}")
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["x-content-type-options"] == "nosniff"
    assert (await opened.body()).startswith(b"%PDF-")
    report: dict[str, str] = {}
    await check_accessibility(page, "claim page with documents", report)

    await page.get_by_label("Attach a photo or PDF received for this claim").set_input_files(
        files=[FilePayload(name="receipt.jpg", mimeType="image/jpeg", buffer=photo(colour="navy"))]
    )
    await page.get_by_role("button", name="Attach", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Attached.")
    await expect(
        page.get_by_role("img", name="Photo receipt.jpg (opens full size)")
    ).to_be_visible()
    assert blocked == []
    assert offline.refused == []
