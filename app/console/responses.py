"""What every console page answers with when it cannot do what was asked: a redirect to sign
in, a refused form, a missing claim; and the console's own redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.console.pages import SECURITY_HEADERS, render
from app.console.session import Staff


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER, headers=SECURITY_HEADERS)


def safe_next(raw: str | None) -> str:
    """Where to go after sign-in: a console page of ours, never another site."""
    if raw and raw.startswith("/console/") and "//" not in raw and "\\" not in raw:
        return raw
    return "/console/queue"


def sign_in_page(
    request: Request, *, message: str | None = None, code: int = 200, next_url: str = ""
) -> HTMLResponse:
    return render(
        request,
        "sign_in.html",
        {"message": message, "next_url": safe_next(next_url), "staff": None},
        code,
    )


def signed_out(request: Request) -> Response:
    """No live session: pages send the browser to sign in; a post is told its session ended."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect("/console/sign-in?" + urlencode({"next": target}))
    return sign_in_page(
        request,
        message="Your session has ended: sign in again. Nothing was done.",
        code=status.HTTP_401_UNAUTHORIZED,
    )


def forbidden(request: Request, staff: Staff) -> HTMLResponse:
    return message_page(
        request,
        staff,
        "Refused",
        "This form has expired or did not come from the console. Reload the page and try again.",
        status.HTTP_403_FORBIDDEN,
    )


def message_page(
    request: Request, staff: Staff, title: str, message: str, code: int
) -> HTMLResponse:
    return render(
        request, "message.html", {"staff": staff, "title": title, "message": message}, code
    )
