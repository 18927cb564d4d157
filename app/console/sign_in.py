"""Signing in to the console with an API key, and out (app/ui_sessions.py keeps the sessions).

The form is the one console post without a session: it is limited per client and credential
(app/sign_in_limits.py), and refused from another site's page (no login CSRF).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import ui_sessions
from app.console.responses import forbidden, redirect, safe_next, settings_of, sign_in_page
from app.console.session import csrf_valid, staff_of
from app.forms import cross_site, form_of
from app.sign_in_limits import FailureLimiter

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
    limiter: FailureLimiter = request.app.state.sign_in_limiter
    tried = limiter.keys(request.client.host if request.client else None, token)
    wait = limiter.retry_after(tried)
    if wait is not None:
        refused = sign_in_page(
            request, message=f"Too many failed sign-ins: try again in {wait} s.", code=429
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    settings = settings_of(request)
    key = settings.key_for(token)
    if key is None:
        limiter.failed(tried)
        return sign_in_page(request, message="That key is not valid.", code=401, next_url=next_url)
    if key.role not in ui_sessions.STAFF:
        return sign_in_page(
            request,
            message="The console is for adjusters and admins; this key may not sign in.",
            code=403,
        )
    value = await ui_sessions.issue(
        request.app.state.engine,
        key,
        lifetime_s=settings.console_session_s,
        kind=ui_sessions.CONSOLE,
    )
    response = redirect(safe_next(next_url))
    response.set_cookie(
        ui_sessions.CONSOLE.cookie,
        value,
        max_age=settings.console_session_s,
        path=ui_sessions.CONSOLE.path,
        httponly=True,
        samesite=ui_sessions.CONSOLE.samesite,
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
        await ui_sessions.revoke(
            request.app.state.engine, request.cookies.get(ui_sessions.CONSOLE.cookie)
        )
    response: Response = sign_in_page(request, message="Signed out.")
    response.delete_cookie(ui_sessions.CONSOLE.cookie, path=ui_sessions.CONSOLE.path, httponly=True)
    return response
