import hashlib
import hmac
import os
from typing import Any

import pytest
from pydantic import ValidationError

from infra import api_keys
from infra.settings import DEV_API_KEYS, Role, Settings, parse_api_keys
from tests.support.config import GOOD_DB, PROD, RING


def test_dev_keys_are_the_default_in_dev():
    keys = Settings(api_keys=None).api_key_list
    assert {k.role for k in keys} == set(Role)
    assert keys == parse_api_keys(DEV_API_KEYS)


def test_keys_parse_with_optional_names_never_derived_from_the_token():
    keys = parse_api_keys("t1:adjuster:alice, t2:submitter")
    assert (keys[0].name, keys[0].role) == ("alice", Role.ADJUSTER)
    # Unnamed (dev only): named after a prefix of the token's digest, never its position.
    assert keys[1].name == "submitter-" + hashlib.sha256(b"t2").hexdigest()[:12]
    assert keys[1].digest == hashlib.sha256(b"t2").hexdigest()
    assert "t2" not in keys[1].name.removeprefix("submitter-")


def test_a_key_may_be_configured_as_its_hash():
    token = "a-long-random-token-nobody-keeps-in-config"
    digest = hashlib.sha256(token.encode()).hexdigest()
    settings = Settings(api_keys=f"sha256:{digest}:admin:ops")
    key = settings.key_for(token)
    assert key is not None
    assert (key.name, key.role, key.plaintext) == ("ops", Role.ADMIN, None)
    assert settings.key_for(digest) is None
    assert settings.key_for("a-long-random-token-nobody-keeps-in-confiG") is None


def test_tokens_are_compared_in_constant_time(monkeypatch):
    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    keys = parse_api_keys("first:admin,second:admin,third:admin")
    assert api_keys.find_key(keys, "first") == keys[0]
    # Every key is compared, even after the first one matched.
    assert len(compared) == 3


@pytest.mark.parametrize("raw", ["no-role", "t:janitor", ":admin", "sha256:abc:admin"])
def test_malformed_keys_are_refused(raw):
    with pytest.raises(ValueError, match=r"role|token|hex"):
        parse_api_keys(raw)
    with pytest.raises(ValidationError):
        Settings(api_keys=raw)


def test_a_copy_with_other_keys_sees_the_other_keys():
    original = Settings(api_keys="a:admin")
    copy = original.model_copy(update={"api_keys": "b:admin"})
    assert original.key_for("a") is not None
    assert original.key_for("b") is None
    assert copy.key_for("b") is not None


STRONG = "Zq8v1Xr4Lm0Ns7Kt2Pw9Hy3Jd6Fb5Gc1Vx"


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        ("a:admin:ops", "shorter than 32"),
        ("s3cret:admin:ops", "published example"),
        ("Dev-admin-key:admin:ops", "published example"),
        (",", "holds no keys"),
        ("a" * 40 + ":admin:ops", "low entropy"),
        ("ab" * 20 + ":admin:ops", "low entropy"),
    ],
)
def test_prod_refuses_weak_keys_with_the_reason(keys, reason):
    settings = Settings(**PROD, api_keys=keys, database_url=GOOD_DB)
    problems = settings.production_problems(needs_keys=True, needs_database=True)
    assert len(problems) == 1
    assert reason in problems[0]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://claims@db/claims",
        "postgresql+asyncpg://claims:@db/claims",
        "postgresql+asyncpg://postgres:postgres@db/claims",
        "postgresql+asyncpg://claims:claims@db/claims",
    ],
)
def test_prod_refuses_a_database_url_with_an_empty_or_default_password(url):
    settings = Settings(**PROD, api_keys=f"{STRONG}:admin:ops", database_url=url)
    [problem] = settings.production_problems(needs_keys=True, needs_database=True)
    assert "password" in problem


def test_prod_accepts_strong_keys_and_a_real_password():
    settings = Settings(**PROD, api_keys=f"{STRONG}:admin:ops", database_url=GOOD_DB)
    assert settings.production_problems(needs_keys=True, needs_database=True) == []


def test_prod_refuses_dev_defaults():
    problems = Settings(env="prod").production_problems(needs_keys=True, needs_database=True)
    assert problems == [
        "CLAIMS_API_KEYS is unset",
        "CLAIMS_ENCRYPTION_KEYS is unset (payloads must reach Temporal encrypted)",
        "TEMPORAL_ADDRESS is unset (prod never embeds Temporal)",
        "CLAIMS_DATABASE_URL is unset (prod never embeds Postgres)",
    ]


def test_prod_refuses_the_dev_keys():
    settings = Settings(**PROD, api_keys=DEV_API_KEYS, database_url=GOOD_DB)
    problems = settings.production_problems(needs_keys=True, needs_database=True)
    assert len(problems) == 3
    assert all("published example or dev key" in p for p in problems)


def test_the_llm_worker_needs_no_database_or_keys_in_prod():
    settings = Settings(**PROD)
    assert settings.production_problems(needs_keys=False, needs_database=False) == []
    assert settings.production_problems(needs_keys=False, needs_database=True) != []


def test_dev_settings_have_no_production_problems():
    assert Settings().production_problems(needs_keys=True, needs_database=True) == []


def test_environment_variables_configure_settings(monkeypatch):
    monkeypatch.setenv("CLAIMS_AUTO_APPROVE_LIMIT", "1234.50")
    monkeypatch.setenv("CLAIMS_LLM_FALLBACK_MODELS", "a/x, b/y,")
    settings = Settings()
    assert str(settings.auto_approve_limit) == "1234.50"
    assert settings.fallback_models == ["a/x", "b/y"]


TEMPORAL_ONLY: dict[str, Any] = {"env": "prod", "encryption_keys": RING}


def temporal_problems(monkeypatch, **environment: str) -> list[str]:
    for name in [n for n in os.environ if n.startswith("TEMPORAL_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings(**TEMPORAL_ONLY)
    return settings.production_problems(needs_keys=False, needs_database=False)


def test_temporal_is_configured_as_the_temporal_cli_reads_it(monkeypatch):
    temporal_problems(monkeypatch)
    monkeypatch.setenv("TEMPORAL_ADDRESS", "claims.a1b2c.tmprl.cloud:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "claims.a1b2c")
    monkeypatch.setenv("TEMPORAL_API_KEY", "cloud-key")
    settings = Settings()
    assert settings.temporal_target == "claims.a1b2c.tmprl.cloud:7233"
    assert settings.temporal_namespace == "claims.a1b2c"
    reach = settings.temporal_connection
    assert reach.connect_kwargs() == {"tls": True, "api_key": "cloud-key", "rpc_metadata": {}}
    assert "cloud-key" not in repr(reach)
    # Empty, as compose passes an unset variable, is unset: the CLI's variable decides.
    monkeypatch.setenv("CLAIMS_TEMPORAL_ADDRESS", "")
    assert Settings().temporal_target == "claims.a1b2c.tmprl.cloud:7233"
    # Our own variable still wins over the CLI's (the dev stack points children with it).
    monkeypatch.setenv("CLAIMS_TEMPORAL_ADDRESS", "elsewhere:7233")
    assert Settings().temporal_target == "elsewhere:7233"


def test_a_profile_file_configures_mutual_tls(monkeypatch, tmp_path):
    (tmp_path / "ca.pem").write_text("ca")
    config = tmp_path / "temporal.toml"
    config.write_text(
        "[profile.prod]\n"
        'address = "temporal.internal:7233"\n'
        'namespace = "claims"\n'
        "[profile.prod.tls]\n"
        f'server_ca_cert_path = "{tmp_path / "ca.pem"}"\n'
        'server_name = "temporal.internal"\n'
    )
    temporal_problems(monkeypatch, TEMPORAL_CONFIG_FILE=str(config), TEMPORAL_PROFILE="prod")
    settings = Settings()
    assert (settings.temporal_target, settings.temporal_namespace) == (
        "temporal.internal:7233",
        "claims",
    )
    tls = settings.temporal_connection.tls
    assert not isinstance(tls, bool)
    assert (tls.domain, tls.server_root_ca_cert) == ("temporal.internal", b"ca")


def test_a_broken_profile_file_is_a_configuration_error(monkeypatch, tmp_path):
    config = tmp_path / "temporal.toml"
    config.write_text("[profile.default\naddress=")
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(config))
    with pytest.raises(ValidationError, match="Temporal client configuration"):
        Settings()


@pytest.mark.parametrize(
    ("environment", "refused"),
    [
        ({"TEMPORAL_ADDRESS": "temporal.internal:7233"}, True),
        ({"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_TLS": "true"}, False),
        ({"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_API_KEY": "k"}, False),
        (
            {
                "TEMPORAL_ADDRESS": "temporal.internal:7233",
                "TEMPORAL_TLS_SERVER_CA_CERT_DATA": "ca",
            },
            False,
        ),
        ({"TEMPORAL_ADDRESS": "10.0.0.7:7233"}, True),
        ({"TEMPORAL_ADDRESS": "127.0.0.1:7233"}, False),
        ({"TEMPORAL_ADDRESS": "localhost:7233"}, False),
        ({"TEMPORAL_ADDRESS": "temporal:7233", "CLAIMS_TEMPORAL_ALLOW_PLAINTEXT": "true"}, False),
    ],
)
def test_prod_refuses_plaintext_to_a_remote_temporal_unless_allowed(
    monkeypatch, environment, refused
):
    problems = temporal_problems(monkeypatch, **environment)
    plaintext = [p for p in problems if "plaintext" in p]
    assert bool(plaintext) is refused, problems
    if refused:
        assert "TEMPORAL_TLS" in plaintext[0]
        assert "CLAIMS_TEMPORAL_ALLOW_PLAINTEXT" in plaintext[0]
