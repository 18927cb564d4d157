"""Who is using the console: the signed-in adjuster or admin, and the CSRF check of a post.

Every page reads the session from its cookie and checks it in Postgres (live, unexpired, its key
still configured with a staff role): a sign-out or an expiry takes effect on the next request.
A post must also carry the session's CSRF token and come from our own pages (app/http/forms.py).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from app.services import sessions
from app.services.wiring import Services
from infra.api_keys import ApiKey, Role


@dataclass(frozen=True)
class Staff:
    key: ApiKey
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.key.role is Role.ADMIN


async def staff_of(request: Request) -> Staff | None:
    """The signed-in staff member, or None (no cookie, or a session that has ended)."""
    value = request.cookies.get(sessions.CONSOLE.cookie)
    services: Services = request.app.state.services
    key = await services.authenticator.session(value, sessions.CONSOLE)
    if key is None or value is None:
        return None
    return Staff(key=key, csrf=sessions.csrf_token(value))


def csrf_valid(staff: Staff, form: dict[str, str]) -> bool:
    return hmac.compare_digest(form.get("csrf", ""), staff.csrf)
