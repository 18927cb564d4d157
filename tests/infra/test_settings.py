import pytest
from pydantic import ValidationError

from infra.settings import DEV_API_KEYS, Role, Settings, parse_api_keys


def test_dev_keys_are_the_default_in_dev():
    keys = Settings(api_keys=None).api_key_table
    assert {k.role for k in keys.values()} == set(Role)
    assert set(keys) == set(parse_api_keys(DEV_API_KEYS))


def test_keys_parse_with_optional_names():
    keys = parse_api_keys("t1:adjuster:alice, t2:submitter")
    assert keys["t1"].name == "alice"
    assert keys["t1"].role is Role.ADJUSTER
    assert keys["t2"].name.startswith("submitter-")


@pytest.mark.parametrize("raw", ["no-role", "t:janitor", ":admin"])
def test_malformed_keys_are_refused(raw):
    with pytest.raises(ValueError, match=r"role|token"):
        parse_api_keys(raw)


def test_prod_refuses_dev_defaults():
    with pytest.raises(ValidationError) as caught:
        Settings(env="prod")
    message = str(caught.value)
    assert "CLAIMS_API_KEYS is unset" in message
    assert "CLAIMS_TEMPORAL_ADDRESS" in message
    assert "CLAIMS_DATABASE_URL" in message


def test_prod_refuses_the_dev_keys():
    with pytest.raises(ValidationError, match="dev keys"):
        Settings(
            env="prod",
            api_keys=DEV_API_KEYS,
            temporal_address="temporal:7233",
            database_url="postgresql+asyncpg://db/claims",
        )


def test_prod_starts_with_real_configuration():
    settings = Settings(
        env="prod",
        api_keys="s3cret:admin:ops",
        temporal_address="temporal:7233",
        database_url="postgresql+asyncpg://db/claims",
    )
    assert settings.temporal_target == "temporal:7233"


def test_environment_variables_configure_settings(monkeypatch):
    monkeypatch.setenv("CLAIMS_AUTO_APPROVE_LIMIT", "1234.50")
    monkeypatch.setenv("CLAIMS_LLM_FALLBACK_MODELS", "a/x, b/y,")
    settings = Settings()
    assert str(settings.auto_approve_limit) == "1234.50"
    assert settings.fallback_models == ["a/x", "b/y"]
