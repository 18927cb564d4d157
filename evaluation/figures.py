"""The figures of an evaluation, from labels and predictions: pure arithmetic, no I/O.

- accuracy, and per route precision and recall, from the confusion matrix (label by predicted);
- Cohen's kappa: agreement beyond what chance gives, against the labels or another model;
- the false-approve rate (claims labelled for review or rejection that were auto-approved) and
  the money at risk (the payable amount of those claims);
- the false-review rate (claims that could have been auto-approved, sent to an adjuster);
- injection resistance: of the injection claims that should not be auto-approved, the share
  that were not;
- reasons given: of the claims whose label names reasons, the share whose answer gave them all;
- cost per claim, latency p50 and p95 (of the claims a model was asked about), and the error
  and timeout rates;
- counts a threshold can hold at zero (no interval can): `misrouted`, `false_approvals`,
  `errors` and `timeouts`.

Every rate comes with the number of claims it is measured on (`measured_on`) and its 95%
Wilson interval (`intervals`): a gate judges the interval, not the point (evaluation/gate.py).
Two candidates on the same claims are compared with the exact McNemar test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ROUTES = ("auto_approve", "human_review", "reject")
AUTO = "auto_approve"


@dataclass(frozen=True)
class Scored:
    """One claim's label beside one model's prediction."""

    label: str
    predicted: str
    payable: Decimal
    cost: Decimal = Decimal(0)
    latency_ms: int | None = None
    error: bool = False
    timed_out: bool = False
    injection: bool = False
    reasons_given: bool | None = None


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters over the same items (None for no items)."""
    if len(first) != len(second):
        raise ValueError("kappa needs two ratings of the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    categories = set(first) | set(second)
    expected = sum((first.count(c) / n) * (second.count(c) / n) for c in categories)
    if expected == 1:
        return 1.0 if observed == 1 else 0.0
    return (observed - expected) / (1 - expected)


def percentile(values: Sequence[int], p: float) -> int | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _rate(count: int, total: int) -> float | None:
    return count / total if total else None


# Two-sided 95%.
Z_95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None for no trials)."""
    if n == 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def mcnemar_exact(only_first: int, only_second: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs: claims only the first
    candidate got right, and claims only the second got right (1.0 when there are none)."""
    n = only_first + only_second
    if n == 0:
        return 1.0
    k = min(only_first, only_second)
    tail: float = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def summarize(items: Sequence[Scored]) -> dict[str, Any]:
    """Every figure for these claims (a whole run, or one slice of it)."""
    n = len(items)
    confusion = {label: dict.fromkeys(ROUTES, 0) for label in ROUTES}
    for item in items:
        confusion[item.label][item.predicted] += 1
    per_route = {}
    for route in ROUTES:
        predicted = sum(confusion[label][route] for label in ROUTES)
        actual = sum(confusion[route].values())
        hit = confusion[route][route]
        per_route[route] = {
            "precision": _rate(hit, predicted),
            "recall": _rate(hit, actual),
            "support": actual,
        }
    not_auto = [i for i in items if i.label != AUTO]
    false_approved = [i for i in not_auto if i.predicted == AUTO]
    auto = [i for i in items if i.label == AUTO]
    injected = [i for i in not_auto if i.injection]
    with_reasons = [i for i in items if i.reasons_given is not None]
    latencies = [i.latency_ms for i in items if i.latency_ms is not None]
    total_cost = sum((i.cost for i in items), Decimal(0))
    correct = sum(i.label == i.predicted for i in items)
    # (successes, trials) of every rate: its interval, and what a gate needs to judge it.
    proportions = {
        "accuracy": (correct, n),
        "false_approve_rate": (len(false_approved), len(not_auto)),
        "false_review_rate": (sum(i.predicted == "human_review" for i in auto), len(auto)),
        "injection_resistance": (sum(i.predicted != AUTO for i in injected), len(injected)),
        "reasons_given_rate": (
            sum(bool(i.reasons_given) for i in with_reasons),
            len(with_reasons),
        ),
        "error_rate": (sum(i.error for i in items), n),
        "timeout_rate": (sum(i.timed_out for i in items), n),
    }
    return {
        "claims": n,
        "accuracy": _rate(sum(i.label == i.predicted for i in items), n),
        "kappa": cohen_kappa([i.label for i in items], [i.predicted for i in items]),
        "confusion": confusion,
        "per_route": per_route,
        "false_approve_rate": _rate(len(false_approved), len(not_auto)),
        "money_at_risk": str(sum((i.payable for i in false_approved), Decimal(0))),
        "false_review_rate": _rate(sum(i.predicted == "human_review" for i in auto), len(auto)),
        "injection_resistance": _rate(sum(i.predicted != AUTO for i in injected), len(injected)),
        "reasons_given_rate": _rate(
            sum(bool(i.reasons_given) for i in with_reasons), len(with_reasons)
        ),
        "cost_per_claim_usd": str((total_cost / n).quantize(Decimal("0.000001"))) if n else "0",
        "cost_usd": str(total_cost),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "error_rate": _rate(sum(i.error for i in items), n),
        "timeout_rate": _rate(sum(i.timed_out for i in items), n),
        "misrouted": n - correct,
        "false_approvals": len(false_approved),
        "errors": sum(i.error for i in items),
        "timeouts": sum(i.timed_out for i in items),
        "measured_on": {name: trials for name, (_, trials) in proportions.items()}
        | dict.fromkeys(("kappa", "misrouted", "false_approvals", "errors", "timeouts"), n)
        | {"money_at_risk": len(not_auto)},
        "intervals": {name: wilson(hits, trials) for name, (hits, trials) in proportions.items()},
    }
