"""A key's principal never moves when the key list changes, and prod insists on names."""

from __future__ import annotations

import pytest

from infra.api_keys import Role, digest_of, new_key, parse_api_keys
from infra.settings import Settings
from tests.support.config import GOOD_DB, PROD

A = "a-token-held-by-the-first-portal-0000"
B = "b-token-held-by-the-other-portal-1111"


def _names(raw: str) -> dict[str, str]:
    return {key.digest: key.name for key in parse_api_keys(raw)}


def test_reordering_or_removing_keys_never_moves_a_principal():
    both = _names(f"{A}:submitter,{B}:submitter")
    assert _names(f"{B}:submitter,{A}:submitter") == both
    only_b = _names(f"{B}:submitter")
    assert only_b[digest_of(B)] == both[digest_of(B)]
    assert both[digest_of(A)] != both[digest_of(B)]


def test_one_principal_may_hold_two_keys_but_never_two_roles():
    keys = parse_api_keys(f"{A}:adjuster:alice,{B}:adjuster:alice")
    assert {k.name for k in keys} == {"alice"}
    with pytest.raises(ValueError, match="two different roles"):
        parse_api_keys(f"{A}:adjuster:alice,{B}:admin:alice")


def test_prod_refuses_an_unnamed_key_with_the_reason():
    token, _ = new_key(Role.SUBMITTER, "portal")
    unnamed = token.rsplit(":", 1)[0]
    settings = Settings(**PROD, api_keys=unnamed, database_url=GOOD_DB)
    [problem] = settings.production_problems(needs_keys=True, needs_database=True)
    assert "names no principal" in problem
    assert "token:role:name" in problem


@pytest.mark.parametrize(
    "published",
    ["dev-adjuster-key", "dev-admin-key", "s3cret", "changeme", "ChangeMe", "DEV-Admin-Key"],
)
def test_prod_refuses_the_digest_of_a_published_key_in_any_case(published):
    entry = f"sha256:{digest_of(published)}:adjuster:ops"
    settings = Settings(**PROD, api_keys=entry, database_url=GOOD_DB)
    [problem] = settings.production_problems(needs_keys=True, needs_database=True)
    assert "digest of a published example or dev key" in problem


def test_prod_refuses_smtp_credentials_without_tls():
    keys = f"{new_key(Role.ADMIN, 'ops')[0]}"
    base = {**PROD, "api_keys": keys, "database_url": GOOD_DB, "smtp_host": "mail.example.com"}
    plain = Settings(**base, smtp_username="claims", smtp_password="pw-of-the-relay")
    [problem] = plain.production_problems(needs_keys=True, needs_database=True)
    assert "CLAIMS_SMTP_STARTTLS" in problem
    tls = Settings(**base, smtp_username="claims", smtp_password="pw", smtp_starttls=True)
    assert tls.production_problems(needs_keys=True, needs_database=True) == []


def test_keys_from_claims_keys_new_share_no_prefix():
    tokens = [new_key(Role.ADMIN, "ops")[0].partition(":")[0] for _ in range(200)]
    assert len({token[:6] for token in tokens}) == len(tokens)
    assert len({token[0] for token in tokens}) > 10  # no fixed leading characters either
