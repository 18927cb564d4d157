"""The Web UI's codec sign-in: an HttpOnly cookie that decodes, and does nothing else."""

from __future__ import annotations

import base64

import httpx

from app.services import sessions
from tests.support.api import ADJUSTER, api_client
from tests.support.stack import WEB_UI_ORIGIN, Stack, StackFactory

NAMESPACE = {"X-Namespace": "default"}
PLAIN = {
    "payloads": [
        {
            "metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
            "data": base64.b64encode(b'{"name": "Grace Hopper"}').decode(),
        }
    ]
}


def cookie(value: str) -> dict[str, str]:
    """The header a browser sends with our session cookie (set on each request, not the jar)."""
    return {"Cookie": f"{sessions.COOKIE}={value}"}


async def sign_in(http: httpx.AsyncClient, key: str) -> httpx.Response:
    answered = await http.post(
        "/codec/login",
        content=f"key={key}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    http.cookies.clear()  # each request below says which cookie it carries
    return answered


async def ciphertext(http: httpx.AsyncClient) -> dict[str, object]:
    encoded = await http.post("/codec/encode", json=PLAIN, headers=ADJUSTER | NAMESPACE)
    assert encoded.status_code == 200
    body: dict[str, object] = encoded.json()
    return body


async def test_an_adjuster_signs_in_and_the_cookie_decodes(stack: Stack) -> None:
    http = stack.http
    form = await http.get("/codec/login")
    assert form.status_code == 200
    assert 'name="key"' in form.text
    signed_in = await sign_in(http, "dev-adjuster-key")
    assert signed_in.status_code == 200
    assert "dev-adjuster" in signed_in.text
    set_cookie = signed_in.headers["set-cookie"]
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/codec", "Max-Age=28800"):
        assert attribute in set_cookie
    assert "dev-adjuster-key" not in set_cookie  # the key itself never travels back
    session = signed_in.cookies[sessions.COOKIE]
    body = await ciphertext(http)
    cookies = cookie(session)
    decoded = await http.post("/codec/decode", json=body, headers=NAMESPACE | cookies)
    assert decoded.status_code == 200, decoded.text
    assert decoded.json() == PLAIN
    # The cookie decodes and does nothing else: not encode, not the claims API.
    assert (await http.post("/codec/encode", json=PLAIN, headers=cookies)).status_code == 401
    assert (await http.get("/v1/claims", headers=cookies)).status_code == 401
    signed_out = await http.post("/codec/logout", headers=cookies)
    assert f'{sessions.COOKIE}=""' in signed_out.headers["set-cookie"]
    # Revoked on the server: the same cookie, replayed (or kept by another browser), is dead.
    again = await http.post("/codec/decode", json=body, headers=NAMESPACE | cookies)
    assert again.status_code == 401


async def test_without_a_valid_sign_in_the_codec_refuses(stack: Stack) -> None:
    http = stack.http
    body = await ciphertext(http)
    assert (await http.post("/codec/decode", json=body, headers=NAMESPACE)).status_code == 401
    refused = await sign_in(http, "not-a-key")
    assert refused.status_code == 401
    assert sessions.COOKIE not in refused.headers.get("set-cookie", "")
    submitter = await sign_in(http, "dev-submitter-key")
    assert submitter.status_code == 403
    assert sessions.COOKIE not in submitter.headers.get("set-cookie", "")
    adjuster = stack.settings.key_for("dev-adjuster-key")
    assert adjuster is not None
    genuine = await sessions.issue(stack.engine, adjuster)
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    expired = await sessions.issue(stack.engine, adjuster, lifetime_s=-1)
    for value in (forged, expired, "garbage", "a.b.c", ""):
        answered = await http.post("/codec/decode", json=body, headers=NAMESPACE | cookie(value))
        assert answered.status_code == 401, value


async def test_the_web_uis_origin_may_send_the_cookie_and_no_other(stack: Stack) -> None:
    ui = WEB_UI_ORIGIN
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace",
    }
    allowed = await stack.http.options("/codec/decode", headers=preflight | {"Origin": ui})
    assert allowed.headers["access-control-allow-origin"] == ui
    assert allowed.headers["access-control-allow-credentials"] == "true"
    other = await stack.http.options(
        "/codec/decode", headers=preflight | {"Origin": "http://127.0.0.1:9"}
    )
    assert "access-control-allow-origin" not in other.headers


async def test_the_sign_in_form_takes_a_few_kib_at_most(stack: Stack) -> None:
    """It is read before anyone is authenticated: a big body is refused, never parsed."""
    huge = "key=" + "x" * (64 * 1024)
    answered = await stack.http.post(
        "/codec/login",
        content=huge,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answered.status_code == 413


async def test_another_sites_page_cannot_sign_a_browser_in(stack: Stack) -> None:
    for header in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answered = await stack.http.post(
            "/codec/login",
            content="key=dev-adjuster-key",
            headers={"Content-Type": "application/x-www-form-urlencoded"} | header,
        )
        assert answered.status_code == 403, header
        assert sessions.COOKIE not in answered.headers.get("set-cookie", "")
    same_origin = await stack.http.post(
        "/codec/login",
        content="key=dev-adjuster-key",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://api"},
    )
    stack.http.cookies.clear()  # the shared client must not carry this session to other tests
    assert same_origin.status_code == 200


async def test_prod_session_cookies_are_always_secure(make_stack: StackFactory) -> None:
    async with make_stack() as stack:
        prod = stack.settings.model_copy(update={"env": "prod"})
        async with api_client(prod, stack.client) as http:
            signed_in = await sign_in(http, "dev-adjuster-key")
    assert signed_in.status_code == 200
    assert "Secure" in signed_in.headers["set-cookie"]  # though this request came over http


async def test_a_principal_holds_a_bounded_number_of_live_sessions(stack: Stack) -> None:
    adjuster = stack.settings.key_for("dev-adjuster-key")
    assert adjuster is not None
    first = await sessions.issue(stack.engine, adjuster)
    for _ in range(sessions.MAX_SESSIONS_PER_PRINCIPAL):
        newest = await sessions.issue(stack.engine, adjuster)
    # The oldest session ended when the limit was passed; the newest decodes.
    assert await sessions.decoder_of(stack.engine, stack.settings, first) is None
    assert await sessions.decoder_of(stack.engine, stack.settings, newest) == adjuster
