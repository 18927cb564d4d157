"""Browser sign-in sessions: the codec's (for the Temporal Web UI) and the adjuster console's.

A browser cannot attach an `Authorization` header to the Web UI's codec calls, nor to a plain
HTML form post, but it sends cookies. So an adjuster or admin signs in once with their API key
(at /codec/login or /console/sign-in), and gets a cookie that:
- holds a random token; Postgres keeps only its SHA-256 (`ui_session`), with the principal,
  the key's digest, the expiry and what the session is for. Sign-out revokes the row: the
  cookie is dead for every API replica at once, and after a restart too;
- is HttpOnly (page scripts never read it), limited to its own path, and Secure over https and
  always in prod. The codec's is SameSite=Lax (the Web UI is another origin); the console's is
  SameSite=Strict (only our own pages post to it);
- expires after its lifetime, checked on every request (expiry takes effect at once), and is
  honoured only for its own purpose, only while its key is still configured with a role that
  may use it (authorization at use, not at sign-in).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.api_keys import ApiKey, Role
from infra.settings import Settings
from infra.tables import ui_session

SESSION_S = 8 * 3600
DECODERS = (Role.ADJUSTER, Role.ADMIN)
STAFF = DECODERS


@dataclass(frozen=True)
class SessionKind:
    purpose: str
    cookie: str
    path: str
    samesite: Literal["lax", "strict"]


CODEC = SessionKind("codec", "claims_codec_session", "/codec", "lax")
CONSOLE = SessionKind("console", "claims_console_session", "/console", "strict")
# The codec's cookie, by the names its callers have always used.
COOKIE = CODEC.cookie
COOKIE_PATH = CODEC.path
# Live sessions one principal may hold (browsers, machines): signing in again past this ends
# its oldest. Expired and revoked rows are deleted a day on, so the table stays small.
MAX_SESSIONS_PER_PRINCIPAL = 20
KEEP_ENDED_FOR = dt.timedelta(days=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(
    engine: AsyncEngine, key: ApiKey, *, lifetime_s: float = SESSION_S, kind: SessionKind = CODEC
) -> str:
    """A new session for `key`: the cookie's value (the row keeps only its digest)."""
    token = secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lifetime_s)
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(ui_session).values(
                digest=_digest(token),
                principal=key.name,
                key_digest=key.digest,
                expires_at=expires,
                purpose=kind.purpose,
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
    """The key a codec session stands for, if it is live (not revoked nor expired) and may
    decode."""
    return await holder_of(engine, settings, value, kind=CODEC)


async def holder_of(
    engine: AsyncEngine, settings: Settings, value: str | None, *, kind: SessionKind
) -> ApiKey | None:
    """The key a session of `kind` stands for, if it is live and its key is still configured
    with a staff role (adjuster or admin)."""
    if not value or len(value) > 128:
        return None
    async with engine.connect() as conn:
        key_digest = (
            await conn.execute(
                sa.select(ui_session.c.key_digest).where(
                    ui_session.c.digest == _digest(value),
                    ui_session.c.purpose == kind.purpose,
                    ui_session.c.revoked_at.is_(None),
                    ui_session.c.expires_at > sa.func.now(),
                )
            )
        ).scalar_one_or_none()
    if key_digest is None:
        return None
    for key in settings.api_key_list:
        if key.digest == key_digest and key.role in STAFF:
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


def csrf_token(value: str) -> str:
    """The session's CSRF token: derived from the session, so every form of it carries the same
    token and a page from another site, which cannot read the HttpOnly cookie, cannot make it."""
    return hashlib.sha256(f"csrf:{value}".encode()).hexdigest()


def cookie_value(cookie_header: str, kind: SessionKind = CODEC) -> str | None:
    """A session cookie of `kind` from a `Cookie` header, if present."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header from outside: no session
        return None
    morsel = jar.get(kind.cookie)
    return morsel.value if morsel is not None else None
