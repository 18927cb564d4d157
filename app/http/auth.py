"""Bearer API keys with three roles, as FastAPI dependencies: who the caller is comes from the
authenticator (app/services/authenticator.py), what the role may do is checked here."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.http.deps import AuthenticatorDep
from app.services import sessions
from app.services.authenticator import Authenticator
from infra.api_keys import ApiKey, Role

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <token>`")


def bearer_token_of(authorization: bytes) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, or None."""
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def known_token(authenticator: Authenticator, token: str | None) -> bool:
    return authenticator.key(token) is not None


async def authenticate(
    authenticator: AuthenticatorDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """Resolve the bearer token to its API key, or refuse with 401."""
    key = authenticator.key(credentials.credentials if credentials else None)
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
    authenticator: AuthenticatorDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """An adjuster or admin by bearer key, or by the Web UI sign-in cookie (decode only)."""
    if credentials is not None:
        caller = await authenticate(authenticator, credentials)
        return await require(*sessions.DECODERS)(caller)
    key = await authenticator.session(request.cookies.get(sessions.COOKIE), sessions.CODEC)
    if key is None:
        raise _unauthorized("missing or invalid API key (or codec sign-in)")
    return key


AnyCaller = Annotated[ApiKey, Depends(authenticate)]
Submitter = Annotated[ApiKey, Depends(require(Role.SUBMITTER, Role.ADMIN))]
Adjuster = Annotated[ApiKey, Depends(require(Role.ADJUSTER, Role.ADMIN))]
Admin = Annotated[ApiKey, Depends(require(Role.ADMIN))]
CodecDecoder = Annotated[ApiKey, Depends(codec_decoder)]
