"""The baseline (evaluation/dataset/baseline.json): the gated model's route for every golden
claim, stored on purpose.

Aggregates can hold while claims change route (six more auto-approvals, six fewer, the same
accuracy): the gate compares claim by claim, and any claim whose route moved fails the run and
is listed, until someone looks and stores the new routes with `claims eval --update-baseline`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.pipeline import Prediction, Routing

MAX_LISTED = 25


def build(
    predictions: Sequence[Prediction], *, routing: Routing, dataset_sha256: str
) -> dict[str, Any]:
    first = predictions[0]
    return {
        "model": first.model,
        "prompt_version": first.prompt_version,
        "routing": {
            "auto_approve_limit": str(routing.auto_approve_limit),
            "min_confidence": routing.min_confidence,
        },
        "dataset_sha256": dataset_sha256,
        "routes": {p.claim: p.route.value for p in predictions},
    }


def save(path: Path, baseline: dict[str, Any]) -> None:
    path.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


def load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def compare(baseline: dict[str, Any] | None, predictions: Sequence[Prediction]) -> dict[str, Any]:
    """The run against the baseline: the claims that moved, and why the comparison fails."""
    if baseline is None:
        return {"misses": ["baseline: none stored (claims eval --update-baseline)"], "moved": []}
    first = predictions[0]
    if (baseline["model"], baseline["prompt_version"]) != (first.model, first.prompt_version):
        return {
            "misses": [
                f"baseline: stored for {baseline['model']} @ {baseline['prompt_version']}, not "
                f"{first.model} @ {first.prompt_version} (claims eval --update-baseline)"
            ],
            "moved": [],
        }
    stored: dict[str, str] = baseline["routes"]
    now = {p.claim: p.route.value for p in predictions}
    moved = [
        {"claim": claim, "baseline": stored[claim], "now": route}
        for claim, route in now.items()
        if claim in stored and stored[claim] != route
    ]
    misses = []
    if moved:
        listed = "; ".join(
            f"{m['claim']} {m['baseline']} -> {m['now']}" for m in moved[:MAX_LISTED]
        )
        more = f" and {len(moved) - MAX_LISTED} more" if len(moved) > MAX_LISTED else ""
        misses.append(f"baseline: {len(moved)} claims changed route: {listed}{more}")
    unknown = sorted(set(now) - set(stored))
    if unknown:
        misses.append(
            f"baseline: {len(unknown)} claims have no stored route (first: {unknown[0]}); "
            "claims eval --update-baseline once they are checked"
        )
    missing = sorted(set(stored) - set(now))
    if missing:
        misses.append(f"baseline: {len(missing)} stored claims were not run (first: {missing[0]})")
    return {"misses": misses, "moved": moved}
