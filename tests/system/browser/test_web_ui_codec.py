"""The operator's view: a claim in the Temporal Web UI, decoded through our codec after signing in.

`claims dev` runs the whole stack with the Web UI pointed at our /codec. Payloads reach Temporal
encrypted, so without signing in the operator's browser sees ciphertext (the codec refuses it);
after signing in at /codec/login and telling the UI to include credentials, the same page shows
the claimant's name. Screenshots of both are saved under the test's temporary directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.async_api import Page
from temporalio.client import Client

from tests.support.api import ADMIN, SUBMITTER
from tests.system.browser.conftest import OfflineContext
from tools import samples as f
from tools.dev_stack import DevStackProcess, dev_stack

CLAIMANT = "Grace Brewster Hopper"
SCREENSHOT = os.environ.get("CLAIMS_UI_SCREENSHOT")  # set to refresh docs/'s screenshot


async def submit_claim(stack: DevStackProcess) -> str:
    async with stack.http() as http:
        policy = f.policy()
        policy_body = policy.model_dump(mode="json")
        created = await http.post("/v1/policies", json=policy_body, headers=ADMIN)
        assert created.status_code == 201, created.text
        body = f.submission_json(policy.policy_number)
        body["claimant"]["name"] = CLAIMANT
        submitted = await http.post("/v1/claims", json=body, headers=SUBMITTER)
        assert submitted.status_code == 202, submitted.text
        workflow_id: str = submitted.json()["workflow_id"]
        return workflow_id


async def open_claim(page: Page, url: str) -> tuple[int, str]:
    """Open the claim's page; the status of the UI's first codec call, and the page's text."""
    async with page.expect_response(lambda r: "/codec/decode" in r.url, timeout=60_000) as call:
        await page.goto(url)
    await page.get_by_text("Timeline").first.wait_for(timeout=60_000)
    await page.wait_for_load_state("networkidle")
    return (await call.value).status, await page.locator("body").inner_text()


async def test_the_web_ui_shows_the_claim_decoded_only_after_codec_sign_in(
    offline: OfflineContext, tmp_path: Path
) -> None:
    async with dev_stack(tmp_path / "data") as stack:
        workflow_id = await submit_claim(stack)
        ui = f"http://127.0.0.1:{stack.ui_port}"
        claim_page = f"{ui}/namespaces/default/workflows/{workflow_id}"
        page = await offline.context.new_page()

        # Told to include credentials, but not signed in: the codec refuses, ciphertext shows.
        await page.goto(ui)
        await page.evaluate(
            """endpoint => {
                localStorage.setItem("endpoint", JSON.stringify(endpoint));
                localStorage.setItem("includeCredentials", "true");
                localStorage.setItem("overrideRemoteCodecConfiguration", "true");
            }""",
            f"{stack.api}/codec",
        )
        refused, before = await open_claim(page, claim_page)
        await page.screenshot(path=tmp_path / "web-ui-before-sign-in.png", full_page=True)
        assert refused == 401
        assert CLAIMANT not in before

        # Sign in as an adjuster, in the same browser, then reload the claim.
        await page.goto(f"{stack.api}/codec/login")
        await page.fill("#key", "dev-adjuster-key")
        await page.click("button[type=submit]")
        await page.get_by_text("Signed in as").wait_for()
        status, _ = await open_claim(page, claim_page)
        # The UI decodes payloads panel by panel after the network settles; wait for the name
        # rather than asserting on the first snapshot of the page (a race seen in CI).
        await page.get_by_text(CLAIMANT).first.wait_for(timeout=60_000)
        after = await page.locator("body").inner_text()
        await page.screenshot(path=tmp_path / "web-ui-decoded.png", full_page=True)
        if SCREENSHOT:
            await page.screenshot(path=SCREENSHOT)
        assert status == 200
        assert CLAIMANT in after
        print(f"\nWeb UI: codec {refused} and no name before sign-in, {status} and the name after")

        # What Temporal stores stays ciphertext: the name is in no stored payload.
        client = await Client.connect(stack.temporal_target)
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        stored = json.dumps([str(e) for e in history.events])
        assert CLAIMANT not in stored
        assert "binary/encrypted" in stored
