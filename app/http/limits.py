"""Request bodies limited by the bytes actually read, and the caller authenticated first.

A `Content-Length` check alone is no limit: a chunked body has none. This ASGI middleware counts
bytes as they arrive and stops reading at the route's limit with a 413, so no request can make
the API hold more than that limit in memory. Routes under /v1 refuse a missing or unknown key
with 401 before a single body byte is read; a client that keeps failing to authenticate gets
429 (app/http/sign_in_limits.py) before its credentials are even looked at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http.auth import bearer_token_of, known_token
from app.http.problems import PROBLEM_JSON, problem
from app.services import sessions
from app.services.authenticator import Authenticator
from infra.settings import Settings

AUTHENTICATED_PREFIXES = ("/v1/", "/codec/")
# The codec sign-in form takes the key in its body: it cannot be asked for one up front.
SIGN_IN_PATHS = frozenset({"/codec/login", "/codec/logout"})
# The sign-in form holds one key: anything bigger is not a sign-in, and it is read (and parsed)
# before anyone is authenticated.
SIGN_IN_BODY_BYTES = 4 * 1024
# A console form: a review note (4,000 characters) however the browser escapes it. Read before
# the session is checked (an expired session gets the sign-in page, not a bare 401), so small.
CONSOLE_FORM_BYTES = 48 * 1024


@dataclass(frozen=True)
class RouteLimit:
    method: str
    path: re.Pattern[str]
    max_bytes: int


def route_limits(settings: Settings) -> list[RouteLimit]:
    return [
        RouteLimit("POST", re.compile(r"^/codec/log(in|out)/?$"), SIGN_IN_BODY_BYTES),
        RouteLimit("POST", re.compile(r"^/console/sign-(in|out)/?$"), SIGN_IN_BODY_BYTES),
        # A file attached in the console, counted per file as it arrives (app/http/uploads.py).
        RouteLimit(
            "POST",
            re.compile(r"^/console/claims/[^/]+/documents/?$"),
            settings.documents_max_file_bytes + 64 * 1024,
        ),
        RouteLimit("POST", re.compile(r"^/console/"), CONSOLE_FORM_BYTES),
        RouteLimit("POST", re.compile(r"^/v1/claims/?$"), settings.max_claim_body_bytes),
        # A claim and its files, each file counted as it arrives (app/http/uploads.py).
        RouteLimit(
            "POST",
            re.compile(r"^/v1/claims/with-documents/?$"),
            settings.documents_max_claim_bytes + settings.max_claim_body_bytes + 64 * 1024,
        ),
        # A file and its multipart framing; a JSON text is held to its own limit by the route.
        RouteLimit(
            "POST",
            re.compile(r"^/v1/claims/[^/]+/documents/?$"),
            max(settings.max_document_body_bytes, settings.documents_max_file_bytes + 64 * 1024),
        ),
        # A claim's payloads, as the Web UI batches them for decoding.
        RouteLimit("POST", re.compile(r"^/codec/"), settings.max_document_body_bytes),
    ]


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, detail=f"request body is larger than the limit of {limit} bytes")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limits = route_limits(settings)

    def limit_for(self, method: str, path: str) -> int:
        for limit in self.limits:
            if limit.method == method and limit.path.match(path):
                return limit.max_bytes
        return self.settings.max_other_body_bytes

    @staticmethod
    def _authenticator(scope: Scope) -> Authenticator:
        authenticator: Authenticator = scope["app"].state.services.authenticator
        return authenticator

    async def _admitted(self, scope: Scope, path: str, headers: dict[bytes, bytes]) -> bool:
        """Whether a caller may send a body here at all (before a byte of it is read)."""
        authenticator = self._authenticator(scope)
        if known_token(authenticator, bearer_token_of(headers.get(b"authorization", b""))):
            return True
        if path == "/codec/decode":
            session = sessions.cookie_value(headers.get(b"cookie", b"").decode("latin-1"))
            return await authenticator.session(session, sessions.CODEC) is not None
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = dict(scope["headers"])
        if path.startswith(AUTHENTICATED_PREFIXES) and path not in SIGN_IN_PATHS:
            token = bearer_token_of(headers.get(b"authorization", b""))
            session = sessions.cookie_value(headers.get(b"cookie", b"").decode("latin-1"))
            # Only a presented credential can be a guess: a call with none (the Web UI before
            # its operator signs in) is refused, but never counted against the address.
            authenticator = self._authenticator(scope)
            client = scope.get("client")
            address = client[0] if client else None
            if token or session:
                wait = authenticator.wait_s(address, token or session)
                if wait is not None:
                    detail = f"too many failed sign-ins; try again in {wait} s"
                    await _respond(scope, send, 429, detail, {"retry-after": str(wait)})
                    return
            if not await self._admitted(scope, path, headers):
                if token or session:
                    authenticator.failed(address, token or session)
                await _respond(
                    scope, send, 401, "missing or invalid API key", {"www-authenticate": "Bearer"}
                )
                return
        limit = self.limit_for(scope["method"], path)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _respond(scope, send, 413, _too_large(limit).detail)
            return
        started = False
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI passes an HTTPException raised while reading straight through.
                    raise _too_large(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as exc:
            # Reached only when something other than FastAPI's body parsing read the body.
            if exc.status_code != 413 or started:
                raise
            await _respond(scope, send, 413, exc.detail)


async def _respond(
    scope: Scope, send: Send, status: int, detail: str, extra: dict[str, str] | None = None
) -> None:
    body = json.dumps(problem(status, detail, scope.get("path", ""))).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    # Connection: close, since the unread body may still be on the wire.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
