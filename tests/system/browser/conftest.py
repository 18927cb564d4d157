"""A real headless Chromium (the distribution's, driven by Playwright) for the browser tests.

`.ci/run` installs Chromium with the system package manager when it is missing, so CI always
has one; elsewhere these tests run wherever a Chromium is found (or CLAIMS_CHROMIUM names one)
and otherwise say so in one line.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Route, async_playwright

# Chromium on a closed network: no background or component traffic, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def chromium_path() -> str | None:
    configured = os.environ.get("CLAIMS_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    if path is None:
        # An environment without a browser, not a missing feature: .ci/run installs Chromium
        # (apt) before `make test`, so CI always runs these; a laptop without one says so.
        pytest.skip("no Chromium here: browser tests run where one is (CI installs it)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


class OfflineContext:
    """A browser context that refuses, and remembers, every request beyond this machine."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.refused: list[str] = []

    async def install(self) -> None:
        async def guard(route: Route) -> None:
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
                await route.continue_()
            else:
                self.refused.append(route.request.url)
                await route.abort()

        await self.context.route("**/*", guard)


@pytest.fixture
async def offline(browser: Browser) -> AsyncIterator[OfflineContext]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    guarded = OfflineContext(context)
    await guarded.install()
    yield guarded
    await context.close()
