"""Temporal client construction: one place that decides address, namespace and data converter."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from infra.settings import Settings


async def connect(settings: Settings) -> Client:
    """Connect to the configured Temporal frontend with the pydantic data converter.

    Pydantic models travel as JSON, with Decimal amounts as strings, so history stays readable
    in the Web UI and no float ever rounds money.
    """
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
