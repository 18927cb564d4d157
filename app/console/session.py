"""Who is using the console: the signed-in adjuster or admin, and the CSRF check of a post.

Every page reads the session from its cookie and checks it in Postgres (live, unexpired, its key
still configured with a staff role): a sign-out or an expiry takes effect on the next request.
A post must also carry the session's CSRF token and come from our own pages (Origin and
Sec-Fetch-Site, as browsers send them).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Request

from app import ui_sessions
from infra.settings import ApiKey, Role, Settings

# The most fields a console form has; a body with more is not one of ours.
MAX_FIELDS = 20


@dataclass(frozen=True)
class Staff:
    key: ApiKey
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.key.role is Role.ADMIN


async def staff_of(request: Request) -> Staff | None:
    """The signed-in staff member, or None (no cookie, or a session that has ended)."""
    value = request.cookies.get(ui_sessions.CONSOLE.cookie)
    settings: Settings = request.app.state.settings
    key = await ui_sessions.holder_of(
        request.app.state.engine, settings, value, kind=ui_sessions.CONSOLE
    )
    if key is None or value is None:
        return None
    return Staff(key=key, csrf=ui_sessions.csrf_token(value))


def cross_site(request: Request) -> bool:
    """A post made by another site's page (the browser says so in Origin / Sec-Fetch-Site)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


async def form_of(request: Request) -> dict[str, str]:
    """A urlencoded form's fields (the first value of each); bytes that are not UTF-8 are
    replaced, so no input can fail the parse."""
    body = (await request.body()).decode("utf-8", errors="replace")
    try:
        fields = parse_qs(body, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any console form has: not one of ours
        return {}
    return {name: values[0] for name, values in fields.items()}


def csrf_valid(staff: Staff, form: dict[str, str]) -> bool:
    return hmac.compare_digest(form.get("csrf", ""), staff.csrf)
