"""One Postgres and one Temporal dev server for a parallel (pytest-xdist) run.

With `-n N` the controller starts both servers before any test process exists, hands their
addresses to every test process, and stops them when the run ends: N processes, still one
pair of servers. Without `-n` each session starts its own pair in tests/conftest.py, as before.

Each test process gets its own database, copied from the migrated one: tests in one process run
one at a time, as they always have, but what is global to a database (subscriptions and their
owners' roles, quotas per principal) must not be judged by another process's configuration.
Temporal needs no such care: every stack has its own task queues and deployment.

The servers live on an event loop in a thread of the controller, because the controller's
pytest hooks are synchronous and the servers' start and stop are not.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url

from infra.migrate import upgrade
from tools.servers import postgres_server, temporal_environment

# Keys of xdist's `workerinput` (what the controller hands each test process).
DATABASE_URL = "claims_database_url"
TEMPORAL_ADDRESS = "claims_temporal_address"


@dataclass(frozen=True)
class Addresses:
    database_url: str
    temporal_address: str


class SharedServers:
    """Both servers running on a private event loop until `stop()`."""

    def __init__(self) -> None:
        self._started: Future[Addresses] = Future()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="shared-servers", daemon=True)
        self.address = ""
        self.log = os.path.join(tempfile.gettempdir(), f"claims-test-temporal-{os.getpid()}.log")

    def start(self) -> Addresses:
        """Start both; the dev server's own output goes to `self.log`, not the terminal.

        The server inherits the process's stdout and stderr when it is spawned, and the
        controller's are the terminal: they point at the log file for just that moment.
        """
        log = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(log, 1)
            os.dup2(log, 2)
            self._thread.start()
            addresses = self._started.result(timeout=180)
            self.address = addresses.temporal_address
            return addresses
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in (*saved, log):
                os.close(fd)

    def database_for(self, process: str) -> str:
        """A fresh copy of the migrated database for one test process; its URL."""
        assert self._loop is not None
        copy = asyncio.run_coroutine_threadsafe(self._copy(process), self._loop)
        return copy.result(timeout=60)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=60)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # handed to the thread that waits on start()
            if not self._started.done():
                self._started.set_exception(error)

    async def _copy(self, process: str) -> str:
        template = make_url(self._started.result().database_url)
        name = f"{template.database}_{process}"
        conn = await asyncpg.connect(
            host=template.host,
            port=template.port,
            user=template.username,
            password=template.password,
            database="postgres",
        )
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"')
        finally:
            await conn.close()
        return template.set(database=name).render_as_string(hide_password=False)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with postgres_server() as url:
            await asyncio.to_thread(upgrade, url)
            env = await temporal_environment()
            try:
                target = env.client.service_client.config.target_host
                self._started.set_result(Addresses(url, target))
                await self._stop.wait()
            finally:
                await env.shutdown()
