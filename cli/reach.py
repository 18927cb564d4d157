"""Reaching Temporal from a one-shot command: a plain sentence when it cannot, no traceback."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from temporalio.client import Client

    from infra.settings import Settings


async def connect_or_say(settings: Settings, command: str) -> Client | None:
    """A client, or None having told the operator (on stderr) that Temporal is unreachable."""
    from infra.temporal import connect

    try:
        return await connect(settings)
    except Exception as exc:  # whatever the SDK raises for a refused or failed connection
        print(
            f"claims {command}: Temporal at {settings.temporal_target} is unreachable: {exc}",
            file=sys.stderr,
        )
        return None
