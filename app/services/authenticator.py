"""Who is asking: an API key, or a browser session signed in with one; and the limit on failed
tries. Built once in the lifespan, every way in goes through it: the bearer check and the body
limit (app/http/auth.py, app/http/limits.py), the codec's and the console's sign-in and
sign-out, and every console page.

Keys are matched in constant time against their digests (infra/api_keys.py); sessions live in
Postgres (app/services/sessions.py) and are honoured only while their key is still configured
with a role that may use them (authorization at use).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.services import sessions
from app.services.sign_in_limits import FailureLimiter
from infra.api_keys import ApiKey, Role
from infra.settings import Settings


@dataclass(frozen=True)
class SignIn:
    """What a sign-in came to: a session (its cookie value), or why not."""

    key: ApiKey | None = None
    session: str | None = None
    # Too many failed tries from this client or with this credential: wait this long.
    wait_s: int | None = None
    # The key is not valid (`invalid`), or its role may not use this (`role`).
    refused: str | None = None


class Authenticator:
    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self._settings = settings
        self._engine = engine
        self.limiter = FailureLimiter(settings.sign_in_max_failures, settings.sign_in_window_s)

    def key(self, token: str | None) -> ApiKey | None:
        """The configured key whose token this is (None: no such key)."""
        return self._settings.key_for(token)

    async def session(
        self, value: str | None, kind: sessions.SessionKind = sessions.CODEC
    ) -> ApiKey | None:
        """The key a live session of `kind` stands for, while it may still use it."""
        return await sessions.holder_of(self._engine, self._settings, value, kind=kind)

    def wait_s(self, address: str | None, credential: str | None) -> int | None:
        """Seconds until this client (and credential) may try again, or None: now."""
        return self.limiter.retry_after(self.limiter.keys(address, credential))

    def failed(self, address: str | None, credential: str | None) -> None:
        self.limiter.failed(self.limiter.keys(address, credential))

    async def sign_in(
        self,
        *,
        address: str | None,
        token: str,
        kind: sessions.SessionKind,
        roles: tuple[Role, ...],
        lifetime_s: float,
    ) -> SignIn:
        """A new session for the key `token`, limited per client and credential."""
        wait = self.wait_s(address, token)
        if wait is not None:
            return SignIn(wait_s=wait)
        key = self.key(token)
        if key is None:
            self.failed(address, token)
            return SignIn(refused="invalid")
        if key.role not in roles:
            return SignIn(key=key, refused="role")
        value = await sessions.issue(self._engine, key, lifetime_s=lifetime_s, kind=kind)
        return SignIn(key=key, session=value)

    async def sign_out(self, value: str | None) -> None:
        await sessions.revoke(self._engine, value)
