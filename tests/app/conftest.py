from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client

from tests.support.api import api_client
from tests.support.stack import Stack


@pytest.fixture
async def http(stack: Stack, client: Client) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(stack.settings, client) as http:
        yield http
