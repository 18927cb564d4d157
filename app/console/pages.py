"""Rendering console pages: Jinja2 with autoescaping, and the headers every page carries.

Autoescaping is on for every template, so a claim's description holding `<script>` renders as
text. The Content-Security-Policy allows scripts, styles and requests from our own origin only:
no inline script, no other host, no framing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from app.services.wording import money, utc

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        # A claim's PDFs, framed (sandboxed) from our own origin.
        "frame-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Pages hold personal data: no cache keeps them, no other site frames or sniffs them.
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def time_left(due: dt.datetime | None, now: dt.datetime) -> str:
    """'2d 3h left', '45m left', or 'overdue by 1h 5m'."""
    if due is None:
        return "—"
    seconds = int((due - now).total_seconds())
    text = _span(abs(seconds))
    return f"{text} left" if seconds >= 0 else f"overdue by {text}"


def _span(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def _label(value: object) -> str:
    """`awaiting_review` → `awaiting review`."""
    return str(value).replace("_", " ")


environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _size(size_bytes: int) -> str:
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))} KB"
    return f"{size_bytes / 1024 / 1024:.1f} MB"


# `money` and `when` read Decimals and datetimes, or the strings of an event's detail.
environment.filters |= {"money": money, "when": utc, "label": _label, "size": _size}


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    body = environment.get_template(template).render(request=request, **context)
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
