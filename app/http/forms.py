"""Plain HTML form posts from browsers (the codec sign-in and the adjuster console): where they
came from, and their fields."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

# The most fields any of our forms has; a body with more is not one of ours.
MAX_FIELDS = 20


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
    except ValueError:  # more fields than any of our forms has: not one of ours
        return {}
    return {name: values[0] for name, values in fields.items()}
