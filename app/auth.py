"""Bearer API keys with three roles."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app import ui_sessions
from infra.settings import ApiKey, Role, Settings

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <token>`")


def bearer_token_of(authorization: bytes) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, or None."""
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def known_token(settings: Settings, token: str | None) -> bool:
    return settings.key_for(token) is not None


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """Resolve the bearer token to its API key, or refuse with 401."""
    settings: Settings = request.app.state.settings
    key = settings.key_for(credentials.credentials if credentials else None)
    if key is None:
        raise _unauthorized("missing or invalid API key")
    return key


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def require(*roles: Role) -> Callable[..., Coroutine[Any, Any, ApiKey]]:
    """A dependency that admits only callers holding one of `roles` (403 otherwise)."""

    async def check(caller: Annotated[ApiKey, Depends(authenticate)]) -> ApiKey:
        if caller.role not in roles:
            allowed = ", ".join(roles)
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"role {caller.role} may not do this (allowed: {allowed})",
            )
        return caller

    return check


async def codec_decoder(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """An adjuster or admin by bearer key, or by the Web UI sign-in cookie (decode only)."""
    if credentials is not None:
        caller = await authenticate(request, credentials)
        return await require(*ui_sessions.DECODERS)(caller)
    settings: Settings = request.app.state.settings
    key = await ui_sessions.decoder_of(
        request.app.state.engine, settings, request.cookies.get(ui_sessions.COOKIE)
    )
    if key is None:
        raise _unauthorized("missing or invalid API key (or codec sign-in)")
    return key


AnyCaller = Annotated[ApiKey, Depends(authenticate)]
Submitter = Annotated[ApiKey, Depends(require(Role.SUBMITTER, Role.ADMIN))]
Adjuster = Annotated[ApiKey, Depends(require(Role.ADJUSTER, Role.ADMIN))]
Admin = Annotated[ApiKey, Depends(require(Role.ADMIN))]
CodecDecoder = Annotated[ApiKey, Depends(codec_decoder)]
