"""The unit tier needs no server (a unit test that asks for one fails, and says where it
belongs), and reads nothing of the shell it runs in."""

from __future__ import annotations

import os
from typing import Any

import pytest

from devstack.settings import DevStackSettings
from infra.settings import Settings

# Variables that configure our processes and the Temporal SDK and CLI.
AMBIENT_PREFIXES = ("CLAIMS_", "TEMPORAL_")


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A developer's exported CLAIMS_* / TEMPORAL_* variables, a `.env` file in the clone and a
    Temporal CLI profile in their home never change a unit test's result."""
    for name in list(os.environ):
        if name.startswith(AMBIENT_PREFIXES):
            monkeypatch.delenv(name)
    for model in (Settings, DevStackSettings):
        monkeypatch.setitem(model.model_config, "env_file", None)
    # The SDK reads the default profile file unless told where another is.
    nowhere = tmp_path_factory.mktemp("no-temporal-profile") / "temporal.toml"
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(nowhere))


def _no_server(name: str) -> Any:
    def refuse() -> None:
        pytest.fail(f"a unit test asked for `{name}`: a test with a server is an integration test")

    return pytest.fixture(name=name)(refuse)


# Every server fixture of tests/conftest.py depends on one of these.
database_url = _no_server("database_url")
temporal_env = _no_server("temporal_env")
fake_llm = _no_server("fake_llm")
