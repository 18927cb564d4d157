"""A stack whose relays look often and retry fast, and a receiver of our own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.settings import DEV_API_KEYS
from tests.support.stack import Stack, StackFactory
from tests.support.webhook_receiver import WebhookReceiver

OTHER_SUBMITTER = {"Authorization": "Bearer other-submitter-key"}
# Dispatchers sweep every 2 s and retry from 0.1 s up to 0.5 s, for 20 s, each attempt 1 s; a
# receiver's breaker opens after 5 failures in a row, for 1 s.
FAST_OUTBOX = {
    "outbox_sweep_s": 2.0,
    "outbox_breaker_cooldown_s": 1.0,
    "outbox_first_retry_s": 0.1,
    "outbox_max_retry_s": 0.5,
    "outbox_attempt_timeout_s": 1.0,
    "outbox_retry_period_s": 20.0,
}


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
