"""Rendering console pages: Jinja2 with autoescaping, and the headers every page carries.

Autoescaping is on for every template, so a claim's description holding `<script>` renders as
text. The Content-Security-Policy allows scripts, styles and requests from our own origin only:
no inline script, no other host, no framing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

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


def _money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.2f} {currency}".strip()


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


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


def _money_text(value: str | None, currency: str = "") -> str:
    """An amount from an event's detail (a decimal string), as `money` shows amounts."""
    try:
        return _money(Decimal(str(value)), currency) if value is not None else "—"
    except ArithmeticError:
        return f"{value} {currency}"


def _stamp(value: str) -> str:
    """An ISO timestamp from an event's detail, as `when` shows times."""
    try:
        return _when(dt.datetime.fromisoformat(value))
    except ValueError:
        return value


environment.filters |= {
    "money": _money,
    "when": _when,
    "label": _label,
    "size": _size,
    "stamp": _stamp,
    "money_text": _money_text,
}


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    body = environment.get_template(template).render(request=request, **context)
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
