"""Thresholds a run must meet (evals/thresholds.toml): `min_<figure>` and `max_<figure>`, for
the whole run and per slice. A figure that misses one fails the gate; a figure with nothing to
measure (no injection claim in a run limited to other slices) is not judged."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as source:
        return tomllib.load(source)


def _misses(where: str, figures: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    misses = []
    for name, bound in thresholds.items():
        kind, _, figure = name.partition("_")
        if kind not in ("min", "max") or not figure:
            misses.append(f"{where}: {name} is not min_<figure> or max_<figure>")
            continue
        if figure not in figures:
            misses.append(f"{where}: no figure {figure} (threshold {name})")
            continue
        value = figures[figure]
        if value is None:
            continue
        number, limit = Decimal(str(value)), Decimal(str(bound))
        if (kind == "min" and number < limit) or (kind == "max" and number > limit):
            misses.append(f"{where}: {figure} is {value}, {name} is {bound}")
    return misses


def check(run: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Every threshold the run misses, as sentences (empty: it passes)."""
    misses = _misses(f"{run['name']} overall", run["overall"], thresholds.get("overall", {}))
    for name, bounds in thresholds.get("slices", {}).items():
        figures = run["slices"].get(name)
        if figures is None:
            continue  # a run limited to other slices (--slice)
        misses += _misses(f"{run['name']} slice {name}", figures, bounds)
    return misses
