"""Guessing keys costs a wait: failed sign-ins and 401s are limited per client and credential."""

from __future__ import annotations

import httpx

from app.services.sign_in_limits import MAX_FAILURES, WINDOW_S, FailureLimiter
from tests.support.api import ADJUSTER, ADMIN
from tests.support.stack import StackFactory
from tools.keys import SESSION_KEYS


def test_the_limit_applies_per_address_and_per_credential_and_lifts_after_the_window():
    limiter = FailureLimiter()
    tries = limiter.keys("10.0.0.1", "guess-000")
    for _ in range(MAX_FAILURES):
        assert limiter.retry_after(tries, now=0.0) is None
        limiter.failed(tries, now=0.0)
    assert limiter.retry_after(tries, now=1.0) == WINDOW_S - 1
    # The same credential from another address is held too; one that merely begins like it,
    # and an unrelated client, are not.
    assert limiter.retry_after(limiter.keys("10.0.0.2", "guess-000"), now=1.0) is not None
    assert limiter.retry_after(limiter.keys("10.0.0.2", "guess-999"), now=1.0) is None
    assert limiter.retry_after(limiter.keys("10.0.0.3", "other-1"), now=1.0) is None
    assert limiter.retry_after(tries, now=WINDOW_S + 0.1) is None


async def test_repeated_401s_get_429_with_retry_after_and_good_keys_still_work(
    make_stack: StackFactory,
) -> None:
    async with make_stack(sign_in_max_failures=MAX_FAILURES) as stack:
        # Calls with no credential at all (the Web UI before its operator signs in) are refused
        # but never counted: they cannot be guesses, and must not lock the operator out.
        for _ in range(3 * MAX_FAILURES):
            assert (await stack.http.post("/codec/decode", json={})).status_code == 401
        assert (await stack.http.get("/v1/claims", headers=ADMIN)).status_code == 200
        answers = [
            (await stack.http.get("/v1/claims", headers={"Authorization": f"Bearer wrong-{n}"}))
            for n in range(MAX_FAILURES + 1)
        ]
        assert [a.status_code for a in answers[:MAX_FAILURES]] == [401] * MAX_FAILURES
        limited = answers[-1]
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert limited.headers["content-type"] == "application/problem+json"
        # The sign-in form is held as well: the same client guessing there waits too.
        form = await stack.http.post(
            "/codec/login",
            content="key=another-guess",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 429


def test_the_api_believes_forwarded_headers_only_from_its_trusted_proxies(monkeypatch):
    """Client addresses (for these limits) and https (for Secure cookies) come from a proxy's
    X-Forwarded-* only when it is one of CLAIMS_TRUSTED_PROXIES; compose and Kubernetes set it."""
    import uvicorn

    from cli.main import main

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    # Only the server's options are under test: leave this process's logging and tracing alone.
    monkeypatch.setattr("infra.logging.configure", lambda *args, **kwargs: None)
    monkeypatch.setattr("infra.telemetry.configure_tracing", lambda *args, **kwargs: None)
    monkeypatch.setenv("CLAIMS_TRUSTED_PROXIES", "10.1.2.3")
    monkeypatch.setenv("CLAIMS_DATABASE_URL", "postgresql+asyncpg://claims:pw@db/claims")
    monkeypatch.setenv("CLAIMS_ENCRYPTION_KEYS", SESSION_KEYS)
    assert main(["api"]) == 0
    assert served["proxy_headers"] is True
    assert served["forwarded_allow_ips"] == "10.1.2.3"


async def test_wrong_keys_sharing_a_real_keys_prefix_never_lock_out_that_key(
    make_stack: StackFactory,
) -> None:
    async with make_stack(sign_in_max_failures=MAX_FAILURES) as stack:
        app = stack.http._transport.app  # type: ignore[attr-defined]

        def client_at(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            return httpx.AsyncClient(transport=transport, base_url="http://api")

        # Ten wrong tokens starting like the admin's (and the adjuster's) key, from ten addresses.
        for n in range(MAX_FAILURES):
            async with client_at(f"203.0.113.{n + 1}") as guesser:
                wrong = {"Authorization": f"Bearer dev-ad-guess-{n}"}
                assert (await guesser.get("/v1/claims", headers=wrong)).status_code == 401
        # A client presenting the real keys, which has not failed itself, is let in.
        async with client_at("198.51.100.7") as honest:
            for headers in (ADMIN, ADJUSTER):
                answer = await honest.get("/v1/claims", headers=headers)
                assert answer.status_code == 200, answer.text
            form = await honest.post(
                "/console/sign-in",
                content="key=dev-adjuster-key",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert form.status_code != 429, form.text
