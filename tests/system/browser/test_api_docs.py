"""The API docs in a real browser with no network beyond 127.0.0.1 (an air-gapped network).

Every request to another host is refused and recorded; the test fails on any. Screenshots are
saved under the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from devstack.processes import free_port
from tests.support.stack import stack_settings
from tests.system.browser.conftest import OfflineContext
from tools.processes import api_process, stop, until_up

KEY = "dev-adjuster-key"


@pytest.fixture(scope="module")
async def api(client: Client, database_url: str, tmp_path_factory) -> AsyncIterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("api") / "api.log"
    process = api_process(stack_settings(database_url), client=client, port=port, log=log)
    try:
        base = f"http://127.0.0.1:{port}"
        await until_up(base)
        yield base
    finally:
        stop(process)


async def test_swagger_ui_lists_the_operations_and_tries_one_with_a_bearer_key(
    api: str, offline: OfflineContext, tmp_path: Path
):
    page = await offline.context.new_page()
    await page.goto(f"{api}/docs")
    submit = page.locator('.opblock-post .opblock-summary-path[data-path="/v1/claims"]')
    await submit.wait_for(timeout=30_000)

    # Authorize with a bearer key, as a client developer would, then try GET /v1/claims.
    await page.locator("button.authorize").first.click()
    await page.locator(".auth-container input").first.fill(KEY)
    await page.locator(".auth-btn-wrapper button.authorize").click()
    await page.locator(".auth-btn-wrapper button.btn-done").click()
    listing = page.locator("#operations-claims-list_claims")
    await listing.locator(".opblock-summary").click()
    await listing.locator("button.try-out__btn").click()
    await listing.locator("button.execute").click()
    status = listing.locator(".live-responses-table tr.response .response-col_status").first
    await status.wait_for(timeout=30_000)
    assert (await status.inner_text()).strip() == "200"
    body = await listing.locator(".live-responses-table .microlight").first.inner_text()
    assert '"items"' in body
    await page.screenshot(path=tmp_path / "swagger-ui.png", full_page=True)
    assert offline.refused == []


async def test_redoc_renders_the_operations_offline(
    api: str, offline: OfflineContext, tmp_path: Path
):
    page = await offline.context.new_page()
    await page.goto(f"{api}/redoc")
    await page.locator("h2", has_text="Submit Claim").first.wait_for(timeout=30_000)
    text = await page.locator("body").inner_text()
    assert "/v1/claims" in text
    await page.screenshot(path=tmp_path / "redoc.png")
    assert offline.refused == []


async def test_the_guard_refuses_an_off_machine_request(offline: OfflineContext):
    # The check above means something: a page that reaches for a CDN is caught.
    page = await offline.context.new_page()
    await page.set_content('<script src="https://cdn.jsdelivr.net/npm/x.js"></script>')
    assert offline.refused == ["https://cdn.jsdelivr.net/npm/x.js"]
