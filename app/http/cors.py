"""Cross-origin reads for the Temporal Web UI, on the codec's paths and nowhere else.

The Web UI (another origin) calls `/codec/decode` from the operator's browser with its sign-in
cookie, so that origin is admitted with credentials. Admitted everywhere, it would let any
script served from that origin read console pages with an adjuster's console cookie: claimants'
names, and the CSRF token that guards the decisions. Every other path sends no CORS headers.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CODEC_PATHS = frozenset({"/codec/decode", "/codec/encode"})


class CodecCorsMiddleware:
    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["POST"],
            allow_headers=["Authorization", "Content-Type", "X-Namespace"],
            allow_credentials=True,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") in CODEC_PATHS:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
