"""The evaluation report opens in Chromium from a file, with no request to any host."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from playwright.async_api import Browser, Route

from cli.evaluate import DEFAULT_GOLDEN as GOLDEN
from evaluation import golden

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT = os.environ.get("CLAIMS_EVAL_SCREENSHOT")  # set to refresh docs/'s screenshot


async def test_the_report_opens_offline_with_its_tables_and_plots(
    browser: Browser, tmp_path: Path
) -> None:
    made = await asyncio.create_subprocess_exec(
        sys.executable,
        "tools/make_eval.py",
        "--out",
        str(tmp_path),
        # The docs' screenshot shows the whole set; the test reads a quick part of it.
        *(() if SCREENSHOT else ("--limit", "60")),
        cwd=ROOT,
        env=os.environ | {"LITELLM_LOCAL_MODEL_COST_MAP": "True"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(made.communicate(), 300)
    assert (tmp_path / "report.html").exists(), output.decode()
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []

    async def refuse(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", refuse)
    page = await context.new_page()
    await page.goto((tmp_path / "report.html").as_uri())
    summary = page.locator("#summary")
    await summary.wait_for()
    text = await summary.inner_text()
    for candidate in ("offline/claims-assessor", "openai/gpt-4o-mini", "openai/lenient"):
        assert candidate in text
    assert "(agent)" in text  # the offline agent, reported beside the gated model
    investigations = await page.locator("#investigations").inner_text()
    assert "offline/claims-assessor" in investigations
    assert "share asked the claimant" in investigations
    # Every rate says what it is measured on, under its interval.
    everything = len(golden.load(GOLDEN))
    assert f"(n={everything})" in text if SCREENSHOT else "(n=60)" in text
    providers = await page.locator("#providers").inner_text()
    assert "FAKE: our test server answers for openai/lenient" in providers
    assert "offline stand-in" in providers
    body = await page.locator("main").inner_text()
    for section in ("Wrong claims of the gated model", "Routing guardrails", "Exact McNemar"):
        assert section in body
    # A heatmap per candidate (three models and the offline agent), cost/accuracy, money at risk.
    assert await page.locator("svg").count() == 6
    await page.screenshot(path=tmp_path / "eval-report.png", full_page=True)
    if SCREENSHOT:
        # The top of the report, and the sections a model-risk officer reads next.
        await page.screenshot(path=SCREENSHOT, clip={"x": 0, "y": 0, "width": 1400, "height": 1150})
        wrong = await page.locator("h2", has_text="Wrong claims").bounding_box()
        assert wrong is not None
        await page.screenshot(
            path=SCREENSHOT.replace(".png", "-details.png"),
            full_page=True,
            clip={"x": 0, "y": wrong["y"] - 10, "width": 1400, "height": 1300},
        )
    await context.close()
    assert [url for url in requests if not url.startswith("file://")] == []
