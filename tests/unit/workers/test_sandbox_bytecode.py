"""The claims worker brings the sandboxed modules' bytecode up to date at start.

The sandbox imports the workflow modules afresh for every new claim; without a current .pyc
each of those imports compiles the source again.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

import workflows
from workers.claims_worker import compile_sandboxed_modules


def test_stale_or_missing_bytecode_is_written_even_when_python_is_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    module = tmp_path / "some_workflow_module.py"
    module.write_text("STEP = 'record'\n")
    cached = Path(importlib.util.cache_from_source(str(module)))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE=1
    monkeypatch.setattr(workflows, "__path__", [str(tmp_path)])
    assert not cached.exists()

    compile_sandboxed_modules()
    assert cached.exists()
    first = cached.read_bytes()

    module.write_text("STEP = 'record and notify'\n")  # an edit makes the bytecode stale
    later = module.stat().st_mtime + 10  # (a .pyc records its source's mtime in seconds)
    os.utime(module, (later, later))
    compile_sandboxed_modules()
    assert cached.read_bytes() != first
