"""Signing in to the console with an API key, and out (app/services/authenticator.py).

The form is the one console post without a session: it is limited per client and credential
(app/services/sign_in_limits.py), and refused from another site's page (no login CSRF).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.console.responses import (
    forbidden,
    redirect,
    safe_next,
    sign_in_page,
)
from app.console.session import csrf_valid, staff_of
from app.http.deps import services_of, settings_of
from app.http.forms import cross_site, form_of
from app.services import sessions

router = APIRouter()


@router.get("/sign-in")
async def sign_in_form(request: Request, next: str = "") -> Response:
    if await staff_of(request) is not None:
        return redirect(safe_next(next))
    return sign_in_page(request, next_url=next)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    if cross_site(request):
        return sign_in_page(request, message="Sign in from this page.", code=403)
    form = await form_of(request)
    token = form.get("key", "").strip()
    next_url = form.get("next", "")
    settings = settings_of(request)
    signed = await services_of(request).authenticator.sign_in(
        address=request.client.host if request.client else None,
        token=token,
        kind=sessions.CONSOLE,
        roles=sessions.STAFF,
        lifetime_s=settings.console_session_s,
    )
    if signed.wait_s is not None:
        refused = sign_in_page(
            request, message=f"Too many failed sign-ins: try again in {signed.wait_s} s.", code=429
        )
        refused.headers["Retry-After"] = str(signed.wait_s)
        return refused
    if signed.refused == "invalid":
        return sign_in_page(request, message="That key is not valid.", code=401, next_url=next_url)
    if signed.session is None:
        return sign_in_page(
            request,
            message="The console is for adjusters and admins; this key may not sign in.",
            code=403,
        )
    response = redirect(safe_next(next_url))
    response.set_cookie(
        sessions.CONSOLE.cookie,
        signed.session,
        max_age=settings.console_session_s,
        path=sessions.CONSOLE.path,
        httponly=True,
        samesite=sessions.CONSOLE.samesite,
        # Behind a TLS-terminating proxy the scheme is https only when the proxy is trusted
        # (CLAIMS_TRUSTED_PROXIES); prod never sends the cookie in the clear regardless.
        secure=request.url.scheme == "https" or settings.env == "prod",
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    staff = await staff_of(request)
    if staff is not None:
        if cross_site(request) or not csrf_valid(staff, await form_of(request)):
            return forbidden(request, staff)
        await services_of(request).authenticator.sign_out(
            request.cookies.get(sessions.CONSOLE.cookie)
        )
    response: Response = sign_in_page(request, message="Signed out.")
    response.delete_cookie(sessions.CONSOLE.cookie, path=sessions.CONSOLE.path, httponly=True)
    return response
