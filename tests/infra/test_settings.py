import subprocess
import sys

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
    with pytest.raises(ValidationError):
        Settings(api_keys=raw)


def test_a_copy_with_other_keys_sees_the_other_keys():
    original = Settings(api_keys="a:admin")
    copy = original.model_copy(update={"api_keys": "b:admin"})
    assert set(original.api_key_table) == {"a"}
    assert set(copy.api_key_table) == {"b"}


def test_prod_refuses_dev_defaults():
    problems = Settings(env="prod").production_problems(needs_keys=True, needs_database=True)
    assert problems == [
        "CLAIMS_API_KEYS is unset",
        "CLAIMS_TEMPORAL_ADDRESS is unset (prod never embeds Temporal)",
        "CLAIMS_DATABASE_URL is unset (prod never embeds Postgres)",
    ]


def test_prod_refuses_the_dev_keys():
    settings = Settings(
        env="prod",
        api_keys=DEV_API_KEYS,
        temporal_address="temporal:7233",
        database_url="postgresql+asyncpg://db/claims",
    )
    assert settings.production_problems(needs_keys=True, needs_database=True) == [
        "CLAIMS_API_KEYS contains the dev keys"
    ]


def test_the_llm_worker_needs_no_database_or_keys_in_prod():
    settings = Settings(env="prod", temporal_address="temporal:7233")
    assert settings.production_problems(needs_keys=False, needs_database=False) == []
    assert settings.production_problems(needs_keys=False, needs_database=True) != []


def test_dev_settings_have_no_production_problems():
    assert Settings().production_problems(needs_keys=True, needs_database=True) == []


@pytest.mark.parametrize("argv", [["api"], ["worker", "--queue", "claims"], ["migrate"], ["dev"]])
def test_the_cli_refuses_to_start_in_prod_on_dev_defaults(argv):
    env = {"CLAIMS_ENV": "prod", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "prod" in done.stderr


def test_environment_variables_configure_settings(monkeypatch):
    monkeypatch.setenv("CLAIMS_AUTO_APPROVE_LIMIT", "1234.50")
    monkeypatch.setenv("CLAIMS_LLM_FALLBACK_MODELS", "a/x, b/y,")
    settings = Settings()
    assert str(settings.auto_approve_limit) == "1234.50"
    assert settings.fallback_models == ["a/x", "b/y"]
