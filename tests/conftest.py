"""Session-wide real servers: one Postgres, one Temporal dev server and one object store (SeaweedFS)
for the whole run."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from infra.db import create_engine
from infra.encryption import data_converter
from infra.migrate import upgrade
from tests.support.shared_servers import DATABASE_URL, TEMPORAL_ADDRESS, SharedServers
from tests.support.stack import (
    STACK_OPTIONS,
    Stack,
    StackFactory,
    running_stack,
    stack_settings,
)
from tools.fake_llm import FakeLlmServer
from tools.keys import SESSION_RING
from tools.servers import SessionObjectStore, postgres_server, temporal_environment

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# A hung test fails after pyproject's `timeout`, naming what it waited for.
pytest_plugins = ["tests.support.hangs"]

_SHARED = pytest.StashKey[SharedServers]()
_OBJECTS = pytest.StashKey[SessionObjectStore]()


def _is_parallel_controller(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")


def _from_controller(config: pytest.Config, key: str) -> str | None:
    """What the xdist controller handed this test process, if it is one."""
    workerinput: dict[str, str] = getattr(config, "workerinput", {})
    return workerinput.get(key)


# Tiers that need no server but the one they start themselves (the workflow tier's
# time-skipping test server): a run of only these starts no shared Postgres or dev server.
SERVERLESS_TIERS = frozenset({"unit", "workflows"})
TESTS = Path(__file__).resolve().parent


def _needs_servers(config: pytest.Config) -> bool:
    """Whether a path the run was given reaches the integration or system tier."""
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if not path.is_relative_to(TESTS):
            if TESTS.is_relative_to(path):  # the repository root: every tier
                return True
            continue
        parts = path.relative_to(TESTS).parts
        if not parts or parts[0] not in SERVERLESS_TIERS:
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    owns_run = not hasattr(config, "workerinput")
    if owns_run and _needs_servers(config) and "CLAIMS_DOCUMENTS_S3_ENDPOINT" not in os.environ:
        # Before any test process exists: they inherit the environment that names it.
        objects = SessionObjectStore()
        os.environ.update(objects.start())
        config.stash[_OBJECTS] = objects
    if _is_parallel_controller(config) and _needs_servers(config):
        servers = SharedServers()
        servers.start()
        config.stash[_SHARED] = servers


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: each test process gets the controller's servers instead of starting its own."""
    if _SHARED not in node.config.stash:
        return  # a serverless run
    servers = node.config.stash[_SHARED]
    node.workerinput[DATABASE_URL] = servers.database_for(node.gateway.id)
    node.workerinput[TEMPORAL_ADDRESS] = servers.address


def pytest_report_header(config: pytest.Config) -> str | None:
    if _SHARED not in config.stash:
        return None
    servers = config.stash[_SHARED]
    return f"one Temporal dev server for every test process: {servers.address} (log {servers.log})"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SHARED in config.stash:
        config.stash[_SHARED].stop()
    if _OBJECTS in config.stash:
        config.stash[_OBJECTS].stop()


@pytest.fixture(scope="session")
async def database_url(pytestconfig: pytest.Config) -> AsyncIterator[str]:
    shared = _from_controller(pytestconfig, DATABASE_URL)
    if shared is not None:  # migrated by the controller
        yield shared
        return
    async with postgres_server() as url:
        await asyncio.to_thread(upgrade, url)
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def conn(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture(scope="session")
async def temporal_env(pytestconfig: pytest.Config) -> AsyncIterator[WorkflowEnvironment]:
    shared = _from_controller(pytestconfig, TEMPORAL_ADDRESS)
    if shared is not None:
        client = await Client.connect(shared, data_converter=data_converter(SESSION_RING))
        yield WorkflowEnvironment.from_client(client)
        return
    env = await temporal_environment()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture(scope="session")
async def stack(client: Client, engine: AsyncEngine, database_url: str) -> AsyncIterator[Stack]:
    """Default workers (offline model, ledger rail) for tests that need nothing special."""
    async with running_stack(client, engine, stack_settings(database_url)) as shared:
        yield shared


@pytest.fixture
def make_stack(client: Client, engine: AsyncEngine, database_url: str) -> StackFactory:
    """A stack configured for one test: its own workers, task queues, settings and API.

    `make_stack(llm=…, rail=…, records=…, llm_concurrency=…, llm_worker=…, temporal=…,
    **setting_overrides)`; the one way tests build a non-default stack.
    """

    def build(
        *, temporal: Client | None = None, **options: Any
    ) -> AbstractAsyncContextManager[Stack]:
        stack_options = {k: options.pop(k) for k in STACK_OPTIONS if k in options}
        settings = stack_settings(database_url, **options)
        return running_stack(temporal or client, engine, settings, **stack_options)

    return build


@pytest.fixture(scope="session")
async def fake_llm() -> AsyncIterator[FakeLlmServer]:
    server = FakeLlmServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def http(stack: Stack) -> httpx.AsyncClient:
    """The API (real lifespan) in front of the shared workers."""
    return stack.http
