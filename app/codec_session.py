"""An operator's browser sign-in to the codec: a server-side session instead of a bearer key.

The Temporal Web UI decodes payloads by calling our /codec/decode from the operator's browser.
A browser cannot attach an `Authorization` header to those calls, but it sends cookies when the
UI is told to include credentials. So an adjuster or admin signs in once at /codec/login with
their API key, and gets a cookie that:
- holds a random token; Postgres keeps only its SHA-256 (`ui_session`), with the principal,
  the key's digest and the expiry. Sign-out revokes the row: the cookie is dead for every
  API replica at once, and after a restart too;
- is HttpOnly (page scripts, the UI's included, never read it), SameSite=Lax, limited to
  /codec, and Secure over https and always in prod;
- expires after SESSION_S, and is honoured for /codec/decode alone, only while its key is
  still configured with a role that may decode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from http.cookies import SimpleCookie

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.settings import ApiKey, Role, Settings
from infra.tables import ui_session

COOKIE = "claims_codec_session"
COOKIE_PATH = "/codec"
SESSION_S = 8 * 3600
DECODERS = (Role.ADJUSTER, Role.ADMIN)
# Live sessions one principal may hold (browsers, machines): signing in again past this ends
# its oldest. Expired and revoked rows are deleted a day on, so the table stays small.
MAX_SESSIONS_PER_PRINCIPAL = 20
KEEP_ENDED_FOR = dt.timedelta(days=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(engine: AsyncEngine, key: ApiKey, *, lifetime_s: float = SESSION_S) -> str:
    """A new session for `key`: the cookie's value (the row keeps only its digest)."""
    token = secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lifetime_s)
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(ui_session).values(
                digest=_digest(token), principal=key.name, key_digest=key.digest, expires_at=expires
            )
        )
        live = (
            sa.select(ui_session.c.digest)
            .where(
                ui_session.c.principal == key.name,
                ui_session.c.revoked_at.is_(None),
                ui_session.c.expires_at > sa.func.now(),
            )
            .order_by(ui_session.c.created_at.desc(), ui_session.c.digest)
            .offset(MAX_SESSIONS_PER_PRINCIPAL)
        )
        await conn.execute(
            sa.update(ui_session)
            .where(ui_session.c.digest.in_(live.scalar_subquery()))
            .values(revoked_at=sa.func.now())
        )
        ended_before = sa.func.now() - KEEP_ENDED_FOR
        await conn.execute(
            sa.delete(ui_session).where(
                sa.or_(
                    ui_session.c.expires_at < ended_before, ui_session.c.revoked_at < ended_before
                )
            )
        )
    return token


async def decoder_of(engine: AsyncEngine, settings: Settings, value: str | None) -> ApiKey | None:
    """The key a session stands for, if it is live (not revoked nor expired) and may decode."""
    if not value or len(value) > 128:
        return None
    async with engine.connect() as conn:
        key_digest = (
            await conn.execute(
                sa.select(ui_session.c.key_digest).where(
                    ui_session.c.digest == _digest(value),
                    ui_session.c.revoked_at.is_(None),
                    ui_session.c.expires_at > sa.func.now(),
                )
            )
        ).scalar_one_or_none()
    if key_digest is None:
        return None
    for key in settings.api_key_list:
        if key.digest == key_digest and key.role in DECODERS:
            return key
    return None


async def revoke(engine: AsyncEngine, value: str | None) -> None:
    """End a session everywhere (sign-out)."""
    if not value or len(value) > 128:
        return
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(ui_session)
            .where(ui_session.c.digest == _digest(value), ui_session.c.revoked_at.is_(None))
            .values(revoked_at=sa.func.now())
        )


def cookie_value(cookie_header: str) -> str | None:
    """Our session cookie from a `Cookie` header, if present."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header from outside: no session
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None
