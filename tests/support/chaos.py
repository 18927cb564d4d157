"""A Postgres and a Temporal server of their own, for tests that SIGKILL and restart them.

The session's shared servers must not be killed under other tests, so chaos tests get their
own: Postgres on a kept data directory and Temporal on a SQLite file, each restartable on the
same port, as a real process supervisor would restart them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from claims.lifecycle import TERMINAL_STATUSES, ClaimStatus
from contracts import search_attributes
from devstack import temporal
from devstack.postgres import EmbeddedPostgres
from devstack.processes import Child, free_port
from infra import migrate
from infra.encryption import data_converter
from infra.tables import claim, claim_event, payment
from tools.keys import SESSION_RING

DATABASE = "claims_chaos"
FINISHED = {str(s) for s in TERMINAL_STATUSES} | {str(ClaimStatus.NEEDS_ATTENTION)}


@dataclass
class RestartableServers:
    root: Path
    pg_port: int = field(default_factory=free_port)
    temporal_port: int = field(default_factory=free_port)
    postgres: Child | None = None
    temporal: Child | None = None

    def __post_init__(self) -> None:
        # Durable (fsync and synchronous commit on), as in production: with them off, a
        # SIGKILL loses commits the workers were already told had happened.
        self._pg = EmbeddedPostgres(
            self.root / "pgdata", port=self.pg_port, log_path=self.root / "pg.log", durable=True
        )

    @property
    def database_url(self) -> str:
        return self._pg.url(DATABASE)

    @property
    def temporal_target(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    async def start_postgres(self) -> None:
        self.postgres = self._pg.child()
        self.postgres.start()
        await self._pg.wait_ready(self.postgres)

    async def start_temporal(self) -> None:
        self.temporal = temporal.dev_server_child(
            db_file=self.root / "temporal.db",
            port=self.temporal_port,
            ui_port=None,
            namespace="default",
            log_path=self.root / "temporal.log",
            search_attributes=search_attributes.CLI_TYPES,
        )
        self.temporal.start()
        await temporal.wait_ready(self.temporal, self.temporal_target, "default")

    @staticmethod
    def kill(child: Child | None) -> None:
        """SIGKILL: no shutdown, no flush, exactly a crash."""
        assert child is not None
        assert child.process is not None
        child.process.kill()
        child.process.wait()

    async def client(self) -> Client:
        converter = data_converter(SESSION_RING)
        return await Client.connect(self.temporal_target, data_converter=converter)

    def stop(self) -> None:
        for child in (self.temporal, self.postgres):
            if child is not None:
                child.stop()


@asynccontextmanager
async def restartable_servers(root: Path) -> AsyncIterator[RestartableServers]:
    servers = RestartableServers(root)
    try:
        await servers.start_postgres()
        await servers._pg.ensure_database(DATABASE)
        await asyncio.to_thread(migrate.upgrade, servers.database_url)
        await servers.start_temporal()
        yield servers
    finally:
        servers.stop()


@dataclass(frozen=True)
class Outcome:
    """What became of a batch of claims, from the system of record."""

    submitted: int
    by_status: dict[str, int]
    lost: int
    duplicate_payments: int
    duplicate_paid_events: int

    @property
    def finished(self) -> int:
        return sum(n for s, n in self.by_status.items() if s in FINISHED)

    def line(self, scenario: str, seconds: float) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status.items()))
        return (
            f"chaos[{scenario}]: {self.submitted} submitted; {statuses}; {self.lost} lost; "
            f"{self.duplicate_payments} duplicate payments; "
            f"{self.duplicate_paid_events} duplicate paid events; settled {seconds:.1f}s "
            "after recovery"
        )


async def outcome(engine: AsyncEngine, claim_ids: list[uuid.UUID]) -> Outcome:
    async with engine.connect() as conn:
        rows = (
            await conn.execute(sa.select(claim.c.status).where(claim.c.claim_id.in_(claim_ids)))
        ).all()
        payments = (
            await conn.execute(
                sa.select(payment.c.claim_id, sa.func.count())
                .where(payment.c.claim_id.in_(claim_ids))
                .group_by(payment.c.claim_id)
                .having(sa.func.count() > 1)
            )
        ).all()
        paid_events = (
            await conn.execute(
                sa.select(claim_event.c.claim_id, sa.func.count())
                .where(claim_event.c.claim_id.in_(claim_ids), claim_event.c.type == "paid")
                .group_by(claim_event.c.claim_id)
                .having(sa.func.count() > 1)
            )
        ).all()
    by_status: dict[str, int] = {}
    for (status,) in rows:
        by_status[status] = by_status.get(status, 0) + 1
    return Outcome(
        submitted=len(claim_ids),
        by_status=by_status,
        lost=len(claim_ids) - len(rows),
        duplicate_payments=len(payments),
        duplicate_paid_events=len(paid_events),
    )


async def settle(engine: AsyncEngine, claim_ids: list[uuid.UUID], timeout_s: float) -> Outcome:
    """Wait until every claim is finished (terminal) or parked; the outcome either way."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            current = await outcome(engine, claim_ids)
        except Exception:  # Postgres still coming back
            current = None
        if current is not None and current.finished == len(claim_ids):
            return current
        if asyncio.get_running_loop().time() > deadline:
            return current or Outcome(len(claim_ids), {}, len(claim_ids), 0, 0)
        await asyncio.sleep(0.5)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def submit_all(
    http: httpx.AsyncClient, bodies: list[dict[str, Any]], headers: dict[str, str]
) -> list[uuid.UUID]:
    responses = await asyncio.gather(
        *(http.post("/v1/claims", json=body, headers=headers) for body in bodies)
    )
    for response in responses:
        assert response.status_code == 202, response.text
    return [uuid.UUID(r.json()["claim_id"]) for r in responses]
