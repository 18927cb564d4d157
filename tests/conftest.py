"""Session-wide real servers: one Postgres and one Temporal dev server for the whole run."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from infra.db import create_engine
from infra.migrate import upgrade
from tests.support.api import api_client
from tests.support.fake_llm import FakeLlmServer
from tests.support.servers import postgres_server, temporal_environment
from tests.support.stack import Stack, running_stack, stack_settings

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
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
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
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


@pytest.fixture(scope="session")
async def fake_llm() -> AsyncIterator[FakeLlmServer]:
    server = FakeLlmServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http(stack: Stack, client: Client) -> AsyncIterator[httpx.AsyncClient]:
    """The API (real lifespan) in front of the shared workers."""
    async with api_client(stack.settings, client) as http:
        yield http
