"""Run `claims dev` as a real subprocess on a temporary data directory and free ports."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

from devstack.processes import free_port

BANNER = "Claims service is up."


@dataclass
class DevStackProcess:
    data_dir: Path
    api_port: int = field(default_factory=free_port)
    temporal_port: int = field(default_factory=free_port)
    ui_port: int = field(default_factory=free_port)
    postgres_port: int = field(default_factory=free_port)
    s3_port: int = field(default_factory=free_port)
    # The workers' metrics ports (this one and the next): stacks in parallel test processes
    # would otherwise both find the default free and both bind it.
    metrics_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def output_path(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}-claims-dev.out"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def database_url(self) -> str:
        """The stack's claims database, with the password `claims dev` generated for it."""
        password = (self.data_dir / "postgres.password").read_text().strip()
        return (
            f"postgresql+asyncpg://postgres:{quote(password, safe='')}"
            f"@127.0.0.1:{self.postgres_port}/claims"
        )

    @property
    def temporal_target(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    def env(self) -> dict[str, str]:
        # Nothing of the caller's shell decides where the stack runs: not our settings, nor a
        # TEMPORAL_ADDRESS that would make `claims dev` use another server than its own.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CLAIMS_", "TEMPORAL_")) or k == "CLAIMS_ENV"
        }
        env.update(
            CLAIMS_DATA_DIR=str(self.data_dir),
            CLAIMS_API_PORT=str(self.api_port),
            CLAIMS_TEMPORAL_PORT=str(self.temporal_port),
            CLAIMS_TEMPORAL_UI_PORT=str(self.ui_port),
            CLAIMS_EMBEDDED_POSTGRES_PORT=str(self.postgres_port),
            CLAIMS_DEV_S3_PORT=str(self.s3_port),
            CLAIMS_WORKER_METRICS_PORT=str(self.metrics_port),
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        with self.output_path.open("ab") as out:
            # A session of its own, so the test can SIGKILL the whole group like a crash would.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "dev"],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env(),
                start_new_session=True,
            )

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    async def wait_until_up(self, timeout_s: float = 180.0) -> None:
        async with asyncio.timeout(timeout_s):
            while BANNER not in self.output().split("--- restart ---")[-1]:
                if self.process is not None and self.process.poll() is not None:
                    raise AssertionError(f"claims dev exited early:\n{self.output()}")
                await asyncio.sleep(0.3)

    def mark_restart(self) -> None:
        with self.output_path.open("a") as out:
            out.write("\n--- restart ---\n")

    def kill_group(self) -> None:
        """SIGKILL every process of the stack at once: Temporal and Postgres included."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    async def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 60.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(asyncio.to_thread(self.process.wait), timeout_s)

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.api, timeout=30)

    def group_alive(self) -> list[int]:
        """Pids still alive in the stack's process group."""
        assert self.process is not None
        alive = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if os.getpgid(proc.pid) == self.process.pid and proc.status() != "zombie":
                    alive.append(proc.pid)
            except (ProcessLookupError, psutil.NoSuchProcess):
                continue
        return alive


def children_by_role(stack: DevStackProcess) -> dict[str, psutil.Process]:
    """The stack's child processes: api, claims worker, llm worker, temporal, postgres."""
    assert stack.process is not None
    found: dict[str, psutil.Process] = {}
    for child in psutil.Process(stack.process.pid).children(recursive=True):
        line = " ".join(child.cmdline())
        for role, marker in (
            ("api", "cli api"),
            ("claims worker", "--queue claims"),
            ("llm worker", "--queue llm"),
            ("temporal", "start-dev"),
        ):
            if marker in line:
                found[role] = child
    return found


@asynccontextmanager
async def dev_stack(data_dir: Path, **env: str) -> AsyncIterator[DevStackProcess]:
    """`claims dev` up and ready; killed (whole group) on the way out if still running."""
    stack = DevStackProcess(data_dir, extra_env=env)
    stack.start()
    try:
        await stack.wait_until_up()
        yield stack
    finally:
        if stack.process is not None and stack.process.poll() is None:
            stack.kill_group()


def llm_worker_child(stack: DevStackProcess) -> psutil.Process:
    """The stack's own llm worker process."""
    assert stack.process is not None
    return next(
        p
        for p in psutil.Process(stack.process.pid).children()
        if "--queue" in p.cmdline() and "llm" in p.cmdline()
    )
