"""The evaluation report as data (JSON): every figure per candidate and per slice, how the
candidates agree with each other, and the claims on which they disagree."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from evaluation.golden import GoldenClaim, Slice
from evaluation.metrics import Scored, cohen_kappa, summarize
from evaluation.pipeline import Prediction, Routing
from evaluation.runner import Candidate

SUMMARY_FIGURES = (
    "accuracy",
    "kappa",
    "false_approve_rate",
    "money_at_risk",
    "false_review_rate",
    "injection_resistance",
    "reasons_given_rate",
    "cost_per_claim_usd",
    "latency_p50_ms",
    "latency_p95_ms",
    "error_rate",
    "timeout_rate",
)


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def reasons_given(row: GoldenClaim, prediction: Prediction) -> bool | None:
    """Whether the answer named every reason the label requires (None when it requires none)."""
    if not row.required_reasons:
        return None
    given = _normal(" ".join(prediction.reasons))
    return all(_normal(reason) in given for reason in row.required_reasons)


def scored(row: GoldenClaim, prediction: Prediction) -> Scored:
    return Scored(
        label=row.expected_route.value,
        predicted=prediction.route.value,
        payable=prediction.payable_amount,
        cost=prediction.cost_usd,
        latency_ms=prediction.latency_ms,
        error=prediction.error is not None,
        timed_out=prediction.timed_out,
        injection=row.slice is Slice.INJECTION,
        reasons_given=reasons_given(row, prediction),
    )


def build(
    rows: Sequence[GoldenClaim],
    predictions: Mapping[Candidate, Sequence[Prediction]],
    *,
    routing: Routing,
    source: str,
) -> dict[str, Any]:
    slices = sorted({row.slice for row in rows})
    runs = []
    for candidate, predicted in predictions.items():
        items = [scored(row, p) for row, p in zip(rows, predicted, strict=True)]
        runs.append(
            {
                "name": candidate.name,
                "model": candidate.model,
                "prompt_version": candidate.prompt_version,
                "overall": summarize(items),
                "slices": {
                    str(s): summarize(
                        [i for i, row in zip(items, rows, strict=True) if row.slice is s]
                    )
                    for s in slices
                },
            }
        )
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": source,
        "claims": len(rows),
        "routing": {
            "auto_approve_limit": str(routing.auto_approve_limit),
            "min_confidence": routing.min_confidence,
        },
        "runs": runs,
        "pairs": _pairs(rows, predictions),
    }


def _pairs(
    rows: Sequence[GoldenClaim], predictions: Mapping[Candidate, Sequence[Prediction]]
) -> list[dict[str, Any]]:
    """Each two candidates: their kappa, and every claim they route differently."""
    pairs = []
    for (a, first), (b, second) in itertools.combinations(predictions.items(), 2):
        routes_a = [p.route.value for p in first]
        routes_b = [p.route.value for p in second]
        differ = [
            {
                "claim": row.id,
                "slice": str(row.slice),
                "label": row.expected_route.value,
                a.name: x.route.value,
                b.name: y.route.value,
                "payable": str(x.payable_amount),
            }
            for row, x, y in zip(rows, first, second, strict=True)
            if x.route != y.route
        ]
        pairs.append(
            {
                "first": a.name,
                "second": b.name,
                "kappa": cohen_kappa(routes_a, routes_b),
                "agreement": 1 - len(differ) / len(rows) if rows else None,
                "disagreements": differ,
            }
        )
    return pairs
