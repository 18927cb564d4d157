"""The linter refuses the clock, randomness and fresh ids where code must be deterministic."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PLANTED = """\
import datetime as dt
import os
import random
import secrets
import time
import uuid


def planted() -> object:
    return (
        dt.datetime.now(),
        dt.date.today(),
        time.time(),
        time.monotonic(),
        random.random(),
        secrets.token_hex(),
        os.urandom(8),
        uuid.uuid4(),
    )
"""
BANNED = {
    "datetime.datetime.now",
    "datetime.date.today",
    "time.time",
    "time.monotonic",
    "random",
    "secrets",
    "os.urandom",
    "uuid.uuid4",
}


def _banned_in(path: str) -> set[str]:
    """The banned APIs `ruff check` reports for PLANTED, were it the file at `path`."""
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", path, "-"],
        input=PLANTED,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return set(re.findall(r"TID251 `([\w.]+)` is banned", run.stdout))


@pytest.mark.parametrize("path", ["claims/planted.py", "workflows/planted.py"])
def test_a_planted_clock_random_or_uuid4_call_is_caught(path: str) -> None:
    assert _banned_in(path) == BANNED


def test_activities_may_use_the_clock() -> None:
    assert _banned_in("activities/planted.py") == set()
