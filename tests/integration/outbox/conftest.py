"""A stack whose relays look often and retry fast, and a receiver of our own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.settings import DEV_API_KEYS
from tests.support.outbox import FAST_OUTBOX
from tests.support.stack import Stack, StackFactory
from tools.webhook_receiver import WebhookReceiver


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver(hang_s=3.0)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def webhook_stack(make_stack: StackFactory) -> AsyncIterator[Stack]:
    keys = f"{DEV_API_KEYS},other-submitter-key:submitter:other-submitter"
    async with make_stack(api_keys=keys, **FAST_OUTBOX) as stack:
        yield stack
