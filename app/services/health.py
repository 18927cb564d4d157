"""Whether this API can serve: Postgres and Temporal answer, and payloads encrypt and decrypt;
and the business figures `/metrics` exposes, read from Postgres."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client
from temporalio.service import RPCError

from infra import db_errors
from infra.store.stats import BusinessStats, business_stats

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 3.0
# What readiness reports: the reason stays in the log, the caller sees only a word.
OK, UNREACHABLE, FAILING = "ok", "unreachable", "failing"
_PROBE = "readiness-probe"


class Health:
    def __init__(self, engine: AsyncEngine, client: Client) -> None:
        self._engine = engine
        self._client = client

    async def readiness(self) -> dict[str, str]:
        """Each dependency's word (`ok`, `unreachable`, `failing`), probed at once."""
        postgres, temporal, codec = await asyncio.gather(
            self._postgres(), self._temporal(), self._codec()
        )
        return {"postgres": postgres, "temporal": temporal, "codec": codec}

    async def business_figures(self) -> BusinessStats | None:
        """The business figures now, or None when Postgres did not answer in time."""
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S), self._engine.connect() as conn:
                return await business_stats(conn=conn)
        except (OSError, TimeoutError, SQLAlchemyError) as exc:
            log.warning("business metrics not refreshed: %s", db_errors.describe(exc))
            return None

    async def _postgres(self) -> str:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S), self._engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except (OSError, TimeoutError, SQLAlchemyError) as exc:
            log.warning("readiness: Postgres unreachable: %s", db_errors.describe(exc))
            return UNREACHABLE
        return OK

    async def _temporal(self) -> str:
        try:
            await self._client.workflow_service.get_system_info(
                GetSystemInfoRequest(), timeout=timedelta(seconds=PROBE_TIMEOUT_S)
            )
        except (RPCError, TimeoutError) as exc:
            log.warning("readiness: Temporal unreachable: %s", db_errors.describe(exc))
            return UNREACHABLE
        return OK

    async def _codec(self) -> str:
        """The payload codec round-trips: a broken key ring is an error, not "no live state"."""
        try:
            payloads = await self._client.data_converter.encode([_PROBE])
            [decoded] = await self._client.data_converter.decode(payloads, [str])
        except Exception:  # whatever breaks the codec breaks every claim: log it whole
            log.exception("readiness: the payload codec fails (CLAIMS_ENCRYPTION_KEYS?)")
            return FAILING
        if decoded != _PROBE:
            log.error("readiness: the payload codec does not round-trip")
            return FAILING
        return OK
