"""The adjuster console as a test drives it over HTTP: sign in, read pages, post forms."""

from __future__ import annotations

import re
from typing import Any

import httpx

from app.services import sessions

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


class Console:
    """One browser's session: its cookie is sent with each request, not kept in a jar."""

    def __init__(self, http: httpx.AsyncClient, session: str | None) -> None:
        self.http = http
        self.session = session
        self.csrf = sessions.csrf_token(session) if session else ""

    @property
    def cookies(self) -> dict[str, str]:
        return {"Cookie": f"{sessions.CONSOLE.cookie}={self.session}"} if self.session else {}

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, params=params or None, headers=self.cookies)

    async def post(
        self,
        path: str,
        fields: dict[str, str],
        *,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body = dict(fields) | ({"csrf": self.csrf} if csrf else {})
        sent = self.cookies | FORM | (headers or {})
        return await self.http.post(path, data=body, headers=sent)

    async def act(
        self, claim_id: str, action: str, *, confirmed: bool = True, **fields: str
    ) -> httpx.Response:
        """Post an action; approve and cancel as their confirmation's Yes button does, unless
        `confirmed=False` (the first post, which only asks: see test_confirmations.py)."""
        if confirmed and action in ("approve", "cancel"):
            fields = fields | {"confirmed": "yes"}
        return await self.post(f"/console/claims/{claim_id}/{action}", fields)


async def sign_in(http: httpx.AsyncClient, key: str) -> httpx.Response:
    answered = await http.post("/console/sign-in", data={"key": key}, headers=FORM)
    http.cookies.clear()  # each request says which cookie it carries
    return answered


async def console_for(http: httpx.AsyncClient, key: str) -> Console:
    signed_in = await sign_in(http, key)
    assert signed_in.status_code == 303, signed_in.text
    return Console(http, signed_in.cookies[sessions.CONSOLE.cookie])


def csrf_of(page: str) -> str | None:
    found = _CSRF.search(page)
    return found.group(1) if found else None
