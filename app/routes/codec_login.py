"""Sign-in for the Web UI's codec calls: /codec/login sets the session cookie, /codec/logout
revokes it (app/services/sessions.py). Plain HTML forms: an operator uses them in the browser that
runs the Temporal Web UI, so the cookie lands where the UI's calls come from.

The form is the one unauthenticated POST that takes a credential, so it is kept small: a body of
at most a few KiB (app/http/limits.py), failed tries limited per client and credential (429), and
posts from another site's page refused (no login CSRF: nobody can sign a browser in as them).
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse

from app.http.deps import AuthenticatorDep, SettingsDep
from app.http.forms import cross_site, form_of
from app.services import sessions

router = APIRouter(prefix="/codec", include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Claims codec sign-in</title>
<style>body{{font-family:sans-serif;max-width:36rem;margin:3rem auto}}
input{{width:100%;padding:.4rem}}button{{margin-top:.8rem;padding:.4rem 1rem}}</style></head>
<body><h1>Claims codec sign-in</h1>{body}</body></html>"""

_FORM = """<p>Sign in with an adjuster or admin API key to read claims decoded in the Temporal
Web UI. Then, in the Web UI, open the data encoder settings, choose to use your browser's
settings, and turn on <em>Include cross-origin credentials</em>.</p>
<form method="post" action="/codec/login">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="off" required>
<button type="submit">Sign in</button></form>"""


def _page(body: str, code: int = status.HTTP_200_OK) -> HTMLResponse:
    # No caching, no framing: a sign-in page is nobody's to embed or keep.
    return HTMLResponse(
        _PAGE.format(body=body),
        status_code=code,
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"},
    )


@router.get("/login")
async def login_form() -> HTMLResponse:
    return _page(_FORM)


@router.post("/login")
async def login(
    request: Request, settings: SettingsDep, authenticator: AuthenticatorDep
) -> HTMLResponse:
    if cross_site(request):
        return _page("<p>Sign in from this page.</p>" + _FORM, status.HTTP_403_FORBIDDEN)
    token = (await form_of(request)).get("key", "").strip()
    signed = await authenticator.sign_in(
        address=request.client.host if request.client else None,
        token=token,
        kind=sessions.CODEC,
        roles=sessions.DECODERS,
        lifetime_s=sessions.SESSION_S,
    )
    if signed.wait_s is not None:
        response = _page(
            f"<p>Too many failed sign-ins: try again in {signed.wait_s} s.</p>",
            status.HTTP_429_TOO_MANY_REQUESTS,
        )
        response.headers["Retry-After"] = str(signed.wait_s)
        return response
    key = signed.key
    if key is None:
        return _page("<p>That key is not valid.</p>" + _FORM, status.HTTP_401_UNAUTHORIZED)
    if signed.session is None:
        return _page(
            f"<p>Role {html.escape(key.role)} may not read decoded claims.</p>" + _FORM,
            status.HTTP_403_FORBIDDEN,
        )
    hours = sessions.SESSION_S // 3600
    response = _page(
        f"<p>Signed in as <strong>{html.escape(key.name)}</strong> ({html.escape(key.role)})"
        f" for {hours} hours. Reload the Temporal Web UI to read claims decoded.</p>"
        '<form method="post" action="/codec/logout"><button>Sign out</button></form>'
    )
    response.set_cookie(
        sessions.COOKIE,
        signed.session,
        max_age=sessions.SESSION_S,
        path=sessions.COOKIE_PATH,
        httponly=True,
        samesite="lax",
        # Behind a TLS-terminating proxy the scheme is https only when the proxy is trusted
        # (CLAIMS_TRUSTED_PROXIES); prod never sends the cookie in the clear regardless.
        secure=request.url.scheme == "https" or settings.env == "prod",
    )
    return response


@router.post("/logout")
async def logout(request: Request, authenticator: AuthenticatorDep) -> HTMLResponse:
    await authenticator.sign_out(request.cookies.get(sessions.COOKIE))
    response = _page("<p>Signed out.</p>" + _FORM)
    response.delete_cookie(sessions.COOKIE, path=sessions.COOKIE_PATH, httponly=True)
    return response
