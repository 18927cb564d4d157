"""CPU seconds spent by each process of the stack, between two moments (from /proc, psutil).

`claims dev`'s children are told apart by their command lines; Postgres counts its whole
process tree (one backend per connection). The bench process itself is the bare ceiling's
worker and client.
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

ROLES = ("api", "claims worker", "llm worker", "temporal server", "postgres")


# Command-line fragments that tell `claims dev`'s children apart, first match wins.
_MARKERS = (
    ("--queue claims", "claims worker"),
    ("--queue llm", "llm worker"),
    ("start-dev", "temporal server"),
    ("cli api", "api"),
)


def _role(process: psutil.Process) -> str | None:
    try:
        command = " ".join(process.cmdline())
        name = process.name()
    except psutil.Error:
        return None
    for marker, role in _MARKERS:
        if marker in command:
            return role
    return "postgres" if name.startswith("postgres") else None


def _seconds(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


@dataclass
class CpuMeter:
    """The stack's processes by role, and this process."""

    stack_pid: int

    def snapshot(self) -> dict[str, float]:
        spent = dict.fromkeys(ROLES, 0.0)
        for child in psutil.Process(self.stack_pid).children(recursive=True):
            role = _role(child)
            if role is not None:
                spent[role] += _seconds(child)
        spent["bench process"] = _seconds(psutil.Process())
        return spent


def spent_between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {role: after[role] - before.get(role, 0.0) for role in after}
