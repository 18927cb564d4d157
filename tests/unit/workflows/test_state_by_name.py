"""A claim's state changes only through ClaimState's methods, each named for what happened.

Six workflow modules used to assign its fields directly; then "where does this step change the
claim" had four answers. The methods (contracts/claim_state.py) are the one place, and this
test keeps it so: no workflow module assigns, increments or appends to a field of the claim's
state.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from contracts import ClaimState

WORKFLOWS = sorted((Path(__file__).parents[3] / "workflows").glob("*.py"))
MUTATORS = {"append", "extend", "insert", "remove", "pop", "clear", "update", "add", "discard"}
FIELDS = set(ClaimState.model_fields)


def _is_state(node: ast.expr) -> bool:
    """`claim` or `self._claim` / `self.claim`: how workflow modules hold the state."""
    if isinstance(node, ast.Name):
        return node.id in {"claim", "_claim", "state"}
    return isinstance(node, ast.Attribute) and node.attr in {"claim", "_claim"}


def _field_of_state(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and _is_state(node.value) and node.attr in FIELDS:
        return node.attr
    return None


def _write_in(node: ast.AST) -> str | None:
    """What `node` does to the claim's state directly, if it does anything."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        field = _field_of_state(node.func.value)
        if field and node.func.attr in MUTATORS:
            return f"{field}.{node.func.attr}(...)"
    elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr":
        return "setattr on the claim's state" if node.args and _is_state(node.args[0]) else None
    assigned = [field for field in map(_field_of_state, targets) if field]
    return f"{assigned[0]} assigned" if assigned else None


def direct_writes(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        write = _write_in(node)
        if write:
            found.append((getattr(node, "lineno", 0), write))
    return [f"line {line}: {write}" for line, write in sorted(found)]


@pytest.mark.parametrize("module", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_module_writes_the_claims_state_but_through_its_methods(module: Path):
    assert direct_writes(module.read_text()) == []


def test_the_check_sees_each_kind_of_direct_write():
    source = """
self._claim.step += 1
claim.status = x
self._claim.document_ids.append(d)
setattr(self._claim, "escalated", True)
self._claim = other          # the workflow's own reference, not a field
claim.took_step()
"""
    assert direct_writes(source) == [
        "line 2: step assigned",
        "line 3: status assigned",
        "line 4: document_ids.append(...)",
        "line 5: setattr on the claim's state",
    ]
