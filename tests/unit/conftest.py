"""The unit tier needs no server: a unit test that asks for one fails, and says where it belongs."""

from __future__ import annotations

from typing import Any

import pytest


def _no_server(name: str) -> Any:
    def refuse() -> None:
        pytest.fail(f"a unit test asked for `{name}`: a test with a server is an integration test")

    return pytest.fixture(name=name)(refuse)


# Every server fixture of tests/conftest.py depends on one of these.
database_url = _no_server("database_url")
temporal_env = _no_server("temporal_env")
fake_llm = _no_server("fake_llm")
