"""Temporal client construction: one place that decides address, namespace and data converter."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from temporalio.client import Client, Interceptor
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from tenacity import (
    AsyncRetrying,
    before_sleep_log,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential,
)

from infra.encryption import data_converter
from infra.settings import Settings
from infra.temporal_profile import TemporalConnection

log = logging.getLogger(__name__)


async def connect(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
    via: TemporalConnection | None = None,
) -> Client:
    """Connect to the configured Temporal frontend with our data converter.

    TLS, mTLS and API-key auth come from the `TEMPORAL_*` environment configuration
    (`settings.temporal_connection`); `via` overrides it (the dev stack's embedded server is
    plaintext whatever the shell says). Pydantic models travel as JSON, with Decimal amounts as
    strings, so no float ever rounds money; every payload is then encrypted
    (`infra/encryption.py`) before it leaves the process.
    """
    reach = settings.temporal_connection if via is None else via
    return await _connect(
        settings,
        converter=data_converter(settings.key_ring()),
        reach=reach.connect_kwargs(),
        runtime=runtime,
        interceptors=interceptors,
    )


async def _connect(
    settings: Settings,
    *,
    converter: DataConverter,
    reach: dict[str, Any],
    runtime: Runtime | None,
    interceptors: Sequence[Interceptor],
) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.temporal_namespace,
        data_converter=converter,
        runtime=runtime,
        interceptors=interceptors,
        **reach,
    )


async def connect_with_retry(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Client:
    """Connect at boot, retrying while Temporal comes up (containers start in any order).

    Gives up after CLAIMS_CONNECT_TIMEOUT_S with the last error; the caller exits non-zero.
    Only the network is retried: the key ring and the TLS and auth settings are read first, so
    a missing or invalid one fails at once with its own message (never as Temporal's fault).
    """
    converter = data_converter(settings.key_ring())
    reach = settings.temporal_connection.connect_kwargs()
    async for attempt in AsyncRetrying(
        stop=stop_after_delay(settings.connect_timeout_s),
        wait=wait_exponential(multiplier=0.5, max=5),
        retry=retry_if_exception_type(Exception),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    ):
        with attempt:
            return await _connect(
                settings,
                converter=converter,
                reach=reach,
                runtime=runtime,
                interceptors=interceptors,
            )
    raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover
