"""/docs and /redoc reference only this API's own assets (the browser tests render them)."""

from __future__ import annotations

import re

from tests.support.stack import Stack


async def test_the_docs_pages_load_nothing_from_another_host(stack: Stack) -> None:
    for page in ("/docs", "/redoc"):
        answered = await stack.http.get(page)
        assert answered.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)""", answered.text)
        urls += re.findall(r"""(?:url|spec-url): ?['"]([^'"]+)""", answered.text)
        assert urls, page
        assert all(u.startswith("/") for u in urls), urls
        policy = answered.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "img-src 'self' data:" in policy
        for asset in urls:
            if asset.startswith("/docs/assets/"):
                fetched = await stack.http.get(asset)
                assert fetched.status_code == 200, asset
                assert len(fetched.content) > 1000, asset
