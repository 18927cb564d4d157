"""The evaluation report opens in Chromium from a file, with no request to any host."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from playwright.async_api import Browser, Route

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT = os.environ.get("CLAIMS_EVAL_SCREENSHOT")  # set to refresh docs/'s screenshot


async def test_the_report_opens_offline_with_its_tables_and_plots(
    browser: Browser, tmp_path: Path
) -> None:
    made = await asyncio.create_subprocess_exec(
        sys.executable,
        "evals/make_eval.py",
        "--out",
        str(tmp_path),
        "--limit",
        "60",
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
    assert await page.locator("svg").count() == 5  # 3 heatmaps, cost/accuracy, money at risk
    await page.screenshot(path=tmp_path / "eval-report.png", full_page=True)
    if SCREENSHOT:
        await page.screenshot(path=SCREENSHOT, full_page=True)
    await context.close()
    assert [url for url in requests if not url.startswith("file://")] == []
