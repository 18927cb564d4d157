"""An operator's browser login to the codec: a signed HttpOnly cookie instead of a bearer key.

The Temporal Web UI decodes payloads by calling our /codec/decode from the operator's browser.
A browser cannot attach an `Authorization` header to those calls, but it sends cookies when the
UI is told to include credentials. So an adjuster or admin signs in once at /codec/login with
their API key, and gets a cookie that:
- is HttpOnly (page scripts, the UI's included, never read it), SameSite=Lax (no other site's
  page can make the browser send it), limited to /codec, and Secure over https;
- names the key only by a prefix of its SHA-256 and expires after SESSION_S; it is signed with a
  secret derived from the payload encryption key, which every API replica shares;
- is honoured for /codec/decode alone, and only while its key is still configured with a role
  that may decode.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from http.cookies import SimpleCookie

from infra.settings import ApiKey, Role, Settings

COOKIE = "claims_codec_session"
COOKIE_PATH = "/codec"
SESSION_S = 8 * 3600
DECODERS = (Role.ADJUSTER, Role.ADMIN)
_DIGEST_PREFIX = 16


def _secret(settings: Settings) -> bytes:
    _, key = settings.key_ring()[0]
    return hmac.new(key, b"claims codec session v1", hashlib.sha256).digest()


def _sign(settings: Settings, body: str) -> str:
    mac = hmac.new(_secret(settings), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def issue(settings: Settings, key: ApiKey, now: float | None = None) -> str:
    """A session value for `key`, valid for SESSION_S."""
    expires = int((time.time() if now is None else now) + SESSION_S)
    body = f"{key.digest[:_DIGEST_PREFIX]}.{expires}"
    return f"{body}.{_sign(settings, body)}"


def decoder_of(settings: Settings, value: str | None, now: float | None = None) -> ApiKey | None:
    """The key a session value stands for, if it is genuine, unexpired and may still decode."""
    if not value:
        return None
    prefix, _, rest = value.partition(".")
    expires, _, signature = rest.partition(".")
    if not (prefix and expires.isdigit() and signature):
        return None
    if not hmac.compare_digest(_sign(settings, f"{prefix}.{expires}"), signature):
        return None
    if int(expires) < (time.time() if now is None else now):
        return None
    for key in settings.api_key_list:
        if key.digest.startswith(prefix) and key.role in DECODERS:
            return key
    return None


def cookie_value(cookie_header: str) -> str | None:
    """Our session cookie from a `Cookie` header, if present."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header from outside: no session
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None
