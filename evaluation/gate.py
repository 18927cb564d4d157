"""Thresholds a run must meet (evaluation/dataset/thresholds.toml), judged so that a run cannot
pass by accident.

- `min_<figure>` / `max_<figure>` under `[overall]`, `[splits.<split>]` and
  `[slices.<slice>]`. A rate is judged by its 95% Wilson interval: a minimum is met when the
  interval's lower end reaches it, a maximum when its upper end stays under it, so a small or
  lucky sample does not pass. Other figures (counts, money, kappa) are judged as they are.
- Every judged figure must be measured on at least `[gate] min_claims` claims: a run limited
  to a handful of claims fails, naming the figure, instead of passing with nothing measured.
- A section, split, slice or figure the gate does not know is an error, never skipped: a
  misspelt `[slices.non-english]` fails the run.
- `[guardrails] max_breaches`: the routing's own guardrails, probed with adversarial answers
  (evaluation/guardrails.py).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

SECTIONS = frozenset({"gate", "overall", "splits", "slices", "guardrails"})
DEFAULT_MIN_CLAIMS = 20


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as source:
        return tomllib.load(source)


def _judge(where: str, name: str, bound: Any, figures: dict[str, Any], least: int) -> list[str]:
    kind, _, figure = name.partition("_")
    if kind not in ("min", "max") or not figure:
        return [f"{where}: {name} is not min_<figure> or max_<figure>"]
    if figure not in figures or figure in ("measured_on", "intervals", "confusion"):
        return [f"{where}: no figure {figure} (threshold {name})"]
    measured = figures.get("measured_on", {}).get(figure)
    if measured is not None and measured < least:
        return [
            f"{where}: {figure} is measured on {measured} claims, fewer than the "
            f"{least} a judged figure needs (min_claims)"
        ]
    value = figures[figure]
    if value is None:
        return [f"{where}: {figure} has nothing to measure"]
    interval = figures.get("intervals", {}).get(figure)
    miss = (
        _interval_miss(kind, figure, value, interval, threshold=(name, bound))
        if interval is not None
        else _value_miss(kind, figure, value, threshold=(name, bound))
    )
    return [f"{where}: {miss}"] if miss else []


def _interval_miss(
    kind: str, figure: str, value: float, interval: list[float], *, threshold: tuple[str, Any]
) -> str | None:
    """A rate is judged by the end of its interval that a lucky sample would flatter."""
    name, bound = threshold
    low, high = interval
    end = low if kind == "min" else high
    limit = Decimal(str(bound))
    missed = Decimal(str(end)) < limit if kind == "min" else Decimal(str(end)) > limit
    if not missed:
        return None
    side = "lower end under" if kind == "min" else "upper end over"
    return f"{figure} is {value:.3f} (95% interval {low:.3f}-{high:.3f}), its {side} {name} {bound}"


def _value_miss(kind: str, figure: str, value: Any, *, threshold: tuple[str, Any]) -> str | None:
    name, bound = threshold
    number, limit = Decimal(str(value)), Decimal(str(bound))
    if (kind == "min" and number < limit) or (kind == "max" and number > limit):
        return f"{figure} is {value}, {name} is {bound}"
    return None


def _section(where: str, figures: dict[str, Any], bounds: dict[str, Any], least: int) -> list[str]:
    misses = []
    for name, bound in bounds.items():
        misses += _judge(where, name, bound, figures, least)
    return misses


def _groups(
    run: dict[str, Any], thresholds: dict[str, Any], key: str, known: frozenset[str], least: int
) -> list[str]:
    misses = []
    for name, bounds in thresholds.get(key, {}).items():
        where = f"{run['name']} {key[:-1]} {name}"
        if name not in known:
            misses.append(f"{where}: no such {key[:-1]} (known: {', '.join(sorted(known))})")
            continue
        figures = run[key].get(name)
        if figures is None:
            misses.append(f"{where}: no claims of this {key[:-1]} in the run")
            continue
        misses += _section(where, figures, bounds, least)
    return misses


def check(
    run: dict[str, Any],
    thresholds: dict[str, Any],
    *,
    slices: frozenset[str],
    splits: frozenset[str],
) -> list[str]:
    """Every threshold the run misses, as sentences (empty: it passes)."""
    misses = [
        f"thresholds: no section [{name}] (known: {', '.join(sorted(SECTIONS))})"
        for name in thresholds
        if name not in SECTIONS
    ]
    settings = thresholds.get("gate", {})
    misses += [f"thresholds: [gate] has no setting {k}" for k in settings if k != "min_claims"]
    least = int(settings.get("min_claims", DEFAULT_MIN_CLAIMS))
    misses += _section(
        f"{run['name']} overall", run["overall"], thresholds.get("overall", {}), least
    )
    misses += _groups(run, thresholds, "splits", splits, least)
    misses += _groups(run, thresholds, "slices", slices, least)
    return misses


def check_guardrails(guardrails: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """The routing guardrails' probes against `[guardrails]` (max_breaches)."""
    bounds = thresholds.get("guardrails", {})
    misses = [f"guardrails: no setting {k}" for k in bounds if k != "max_breaches"]
    if "max_breaches" in bounds and guardrails["breaches"] > bounds["max_breaches"]:
        kinds = ", ".join(f"{k}: {n}" for k, n in guardrails["by_probe"].items() if n)
        misses.append(
            f"guardrails: {guardrails['breaches']} adversarial answers were auto-approved "
            f"({kinds}); max_breaches is {bounds['max_breaches']}"
        )
    return misses
