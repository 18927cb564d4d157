"""`claims dev`: the whole stack in the foreground, each service a supervised child process.

Order: Postgres, Temporal, the object store, migrations, the mail sink, claims worker, llm
worker, API. It waits
until every piece is ready, prints where to look, then watches: a child that dies takes the
stack down with a message naming it (never a silent half-stack); SIGINT/SIGTERM stops every
child.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import httpx
from pydantic import SecretStr

from devstack import postgres as pg
from devstack import temporal as tdev
from devstack.banner import banner
from devstack.keys import dev_key_ring
from devstack.mail import MailSink, start_mail_sink
from devstack.object_store import SeaweedServer
from devstack.processes import Child, PidFile, child_env, worker_metrics_ports
from devstack.settings import DevStackSettings
from infra.migrate import upgrade
from infra.settings import Settings
from infra.temporal_profile import PLAINTEXT

if TYPE_CHECKING:
    from temporalio.client import Client

DATABASE = "claims"


def say(message: str) -> None:
    print(f"[claims dev] {message}", flush=True)


class DevStack:
    def __init__(
        self,
        settings: Settings,
        dev: DevStackSettings,
        search_attributes: Mapping[str, str],
    ) -> None:
        self.settings = settings
        self.dev = dev
        # Name -> CLI type of the search attributes the workflow uses, registered at start.
        self.search_attributes = search_attributes
        self.data_dir = dev.data_dir.resolve()
        self.logs = self.data_dir / "logs"
        self.children: list[Child] = []
        self.pidfile = PidFile(self.data_dir / "dev.pids")
        self._worker_queues: dict[str, str] = {}
        self.metrics_ports: dict[str, int] = {}
        # Claimant e-mails in dev: a local sink, unless CLAIMS_SMTP_HOST names a real relay.
        self.mail_sink: MailSink | None = None
        self.keys: SecretStr | None = None
        # The embedded object store's S3 endpoint (None: CLAIMS_DOCUMENTS_S3_ENDPOINT's store).
        self.object_store: str | None = None

    def _start(self, child: Child) -> Child:
        child.start()
        self.children.append(child)
        self.pidfile.record(self.children)
        return child

    def _app_child(self, name: str, args: Sequence[str], env: dict[str, str]) -> Child:
        return Child(
            name=name,
            argv=[sys.executable, "-m", "cli", *args],
            log_path=self.logs / f"{name}.log",
            env=env,
        )

    async def start(self) -> None:
        s = self.settings
        self.data_dir.mkdir(parents=True, exist_ok=True)
        orphans = self.pidfile.kill_orphans()
        if orphans:
            say(f"stopped processes left by a killed run: {', '.join(orphans)}")

        database_url = s.database_url
        if database_url is None:
            started = time.monotonic()
            server = pg.EmbeddedPostgres(
                self.data_dir / "postgres",
                port=self.dev.embedded_postgres_port,
                log_path=self.logs / "postgres.log",
            )
            child = self._start(server.child())
            await server.wait_ready(child)
            await server.ensure_database(DATABASE)
            database_url = server.url(DATABASE)
            say(f"postgres ready on 127.0.0.1:{server.port} ({time.monotonic() - started:.1f}s)")

        target = s.temporal_address or self.dev.temporal_target
        if s.temporal_address is None:
            started = time.monotonic()
            child = self._start(
                tdev.dev_server_child(
                    db_file=self.data_dir / "temporal" / "temporal.db",
                    port=self.dev.temporal_port,
                    ui_port=self.dev.temporal_ui_port,
                    namespace=s.temporal_namespace,
                    log_path=self.logs / "temporal.log",
                    search_attributes=self.search_attributes,
                    codec_endpoint=s.codec_endpoint,
                )
            )
            await tdev.wait_ready(child, target, s.temporal_namespace)
            say(f"temporal ready on {target} ({time.monotonic() - started:.1f}s)")

        objects_env = await self._object_store()

        started = time.monotonic()
        await asyncio.to_thread(upgrade, database_url)
        say(f"migrations at head ({time.monotonic() - started:.1f}s)")

        # Every process encrypts with the same ring: the configured one, or the dev ring
        # generated once under the data dir.
        self.keys = s.encryption_keys or SecretStr(dev_key_ring(self.data_dir))
        env = child_env(
            CLAIMS_DATABASE_URL=database_url,
            CLAIMS_TEMPORAL_ADDRESS=target,
            CLAIMS_TEMPORAL_NAMESPACE=s.temporal_namespace,
            LITELLM_LOCAL_MODEL_COST_MAP="True",
            CLAIMS_ENCRYPTION_KEYS=self.keys.get_secret_value(),
            # The embedded Web UI decodes payloads through the API's codec.
            CLAIMS_CORS_ALLOWED_ORIGINS=s.cors_allowed_origins or self.dev.ui_origins,
            # The console links a claim to its workflow in the embedded Web UI.
            CLAIMS_TEMPORAL_UI_URL=s.temporal_ui_url
            or f"http://127.0.0.1:{self.dev.temporal_ui_port}",
        )
        env |= objects_env
        if s.temporal_address is None:
            # The embedded server is plaintext on loopback: a shell's TLS or Cloud settings
            # (TEMPORAL_*) are not for it.
            env = {k: v for k, v in env.items() if not k.startswith("TEMPORAL_")}
        if s.smtp_host is None:
            self.mail_sink = start_mail_sink(self.data_dir / "mail")
            env |= {
                "CLAIMS_SMTP_HOST": self.mail_sink.host,
                "CLAIMS_SMTP_PORT": str(self.mail_sink.port),
            }
            say(f"mail sink on smtp://127.0.0.1:{self.mail_sink.port}")
        # The model's API key reaches the llm worker alone: the API and the claims worker
        # never call a model, so they never hold a provider's key (Temporal's key they need).
        without_llm_keys = {
            k: v for k, v in env.items() if not k.endswith("_API_KEY") or k == "TEMPORAL_API_KEY"
        }
        self.metrics_ports = worker_metrics_ports(s.worker_metrics_port)
        workers = []
        for name, queue, task_queue in (
            ("claims-worker", "claims", s.task_queue),
            ("llm-worker", "llm", s.llm_task_queue),
        ):
            port = str(self.metrics_ports[name])
            base = env if queue == "llm" else without_llm_keys
            worker_env = base | {"CLAIMS_WORKER_METRICS_PORT": port}
            if queue == "claims":
                # An edit to workflow code is a new build: new claims run it from this start.
                worker_env["CLAIMS_BUILD_PROMOTION"] = "always"
            args = ["worker", "--queue", queue]
            workers.append(self._start(self._app_child(name, args, worker_env)))
            self._worker_queues[name] = task_queue
        api = self._start(self._app_child("api", ["api"], without_llm_keys))
        started = time.monotonic()
        await self._wait_workers(workers)
        await self._wait_api(api)
        say(f"workers and API ready ({time.monotonic() - started:.1f}s)")

    async def _object_store(self) -> dict[str, str]:
        """SeaweedFS under the data dir, unless CLAIMS_DOCUMENTS_S3_ENDPOINT names a store."""
        if self.settings.documents_s3_endpoint is not None:
            return {}
        started = time.monotonic()
        server = SeaweedServer(
            self.data_dir / "objects",
            s3_port=self.dev.dev_s3_port,
            log_path=self.logs / "object-store.log",
        )
        child = self._start(server.child())
        await server.wait_ready(child)
        self.object_store = server.endpoint
        elapsed = time.monotonic() - started
        say(f"object store (SeaweedFS) ready on {server.endpoint} ({elapsed:.1f}s)")
        return server.environment()

    async def _temporal_client(self) -> Client:
        from infra.temporal import connect

        s = self.settings
        embedded = s.temporal_address is None
        target = s.temporal_address or self.dev.temporal_target
        return await connect(
            s.model_copy(update={"temporal_address": target, "encryption_keys": self.keys}),
            via=PLAINTEXT if embedded else None,
        )

    async def _wait_workers(self, workers: list[Child], timeout_s: float = 90.0) -> None:
        """Ready once Temporal sees each worker process polling its task queue."""
        from devstack.readiness import queue_has_poller

        s = self.settings
        client = await self._temporal_client()
        wanted = [(workers[0], s.task_queue, True), (workers[1], s.llm_task_queue, False)]
        deadline = time.monotonic() + timeout_s
        for child, queue, workflows in wanted:
            while not await queue_has_poller(client, queue, child.pid, workflows=workflows):
                self._check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{child.name} is not polling {queue} after {timeout_s}s")
                await asyncio.sleep(0.3)

    async def _wait_api(self, api: Child, timeout_s: float = 90.0) -> None:
        url = f"http://{self.settings.api_host}:{self.settings.api_port}/readyz"
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                self._check_alive()
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(url)).status_code == 200:
                        return
                await asyncio.sleep(0.3)
        raise RuntimeError(f"api not ready at {url} after {timeout_s}s:\n{api.log_tail()}")

    def _check_alive(self) -> None:
        for child in self.children:
            code = child.exit_code()
            if code is not None:
                raise ChildDiedError(child, code)

    def banner(self) -> str:
        return banner(self.settings, self.dev, self)

    async def watch(self, stop: asyncio.Event) -> int:
        """Until a signal (exit 0) or the death of a child nobody replaced (exit 1).

        A worker that dies while another worker process (started by hand against this stack)
        polls its task queue is only announced: the queue is still served, so the stack is not
        a silent half-stack. Any other death stops the stack.
        """
        while not stop.is_set():
            try:
                self._check_alive()
            except ChildDiedError as died:
                replacement = await self._replacement_for(died.child)
                if replacement is None:
                    say(
                        f"{died.child.name} exited unexpectedly (code {died.code}); "
                        "stopping the stack"
                    )
                    print(died.child.log_tail(), file=sys.stderr)
                    return 1
                self.children.remove(died.child)
                say(
                    f"{died.child.name} exited (code {died.code}); {replacement} still polls "
                    f"its task queue, so the stack carries on without it"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
        return 0

    async def _replacement_for(self, child: Child) -> str | None:
        """Another live worker process polling the dead worker's task queue, if there is one."""
        queue = self._worker_queues.get(child.name)
        if queue is None:
            return None
        from devstack.readiness import live_pollers

        try:
            client = await self._temporal_client()
            pollers = await live_pollers(client, queue, exclude_pid=child.pid)
        except Exception:  # Temporal itself is gone: nothing can replace the worker
            return None
        return pollers[0] if pollers else None

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        if self.mail_sink is not None:
            self.mail_sink.stop()
        self.pidfile.path.unlink(missing_ok=True)


class ChildDiedError(RuntimeError):
    def __init__(self, child: Child, code: int) -> None:
        super().__init__(f"{child.name} exited with {code}")
        self.child = child
        self.code = code
