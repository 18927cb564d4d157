"""A worker imports the workflow modules from code compiled once, and runs the code it started with.

The sandbox imports the workflow modules afresh for every new claim (workers/workflow_code.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import workflows
from workers.workflow_code import keep_workflow_code


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throw-away package `kept_pkg` with one module, importable; undone after the test."""
    root = tmp_path / "kept_pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "steps.py").write_text("STEP = 'record'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no .pyc to fall back on
    yield root
    for name in ("kept_pkg", "kept_pkg.steps"):
        sys.modules.pop(name, None)


def fresh_import(name: str) -> object:
    """Import `name` as the sandbox does for each claim: a new module object."""
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def test_each_import_is_a_new_module_from_the_same_code(package: Path) -> None:
    assert keep_workflow_code(importlib.import_module("kept_pkg")) == 1
    first, second = fresh_import("kept_pkg.steps"), fresh_import("kept_pkg.steps")
    assert first is not second  # the sandbox still gets a module of its own
    assert first.__spec__.loader.get_code("kept_pkg.steps") is second.__spec__.loader.get_code(  # type: ignore[attr-defined]
        "kept_pkg.steps"
    )


def test_an_edit_made_under_a_running_worker_is_not_what_it_runs(package: Path) -> None:
    keep_workflow_code(importlib.import_module("kept_pkg"))
    (package / "steps.py").write_text("STEP = 'record and notify'\n")
    assert fresh_import("kept_pkg.steps").STEP == "record"  # type: ignore[attr-defined]


def test_keeping_is_idempotent_and_covers_every_workflow_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    modules = keep_workflow_code(workflows)
    assert modules == keep_workflow_code(workflows)
    assert modules >= len(["claim", "steps", "recording", "parking", "outbox"])
    assert sum(type(f).__name__ == "_KeptCodeFinder" for f in sys.meta_path) == 1
