"""The gate cannot pass by accident: rates judged by their interval, a minimum of claims per
figure, and every unknown name an error."""

from __future__ import annotations

from typing import Any

from evaluation.figures import Scored, summarize
from evaluation.gate import check, check_guardrails

A, H = "auto_approve", "human_review"
SLICES = frozenset({"injection", "red_flags"})
SPLITS = frozenset({"dev", "held_out"})


def _run(correct: int, wrong: int) -> dict[str, Any]:
    from decimal import Decimal

    items = [Scored(H, H, Decimal(100))] * correct + [Scored(H, A, Decimal(100))] * wrong
    figures = summarize(items)
    return {"name": "m @ p", "overall": figures, "slices": {"red_flags": figures}, "splits": {}}


def _check(run: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    return check(run, thresholds, slices=SLICES, splits=SPLITS)


def test_a_rate_is_judged_by_the_end_of_its_interval_a_lucky_sample_would_flatter() -> None:
    # 96 of 100 right: the point clears 0.95, the interval (0.902-0.984) does not.
    run = _run(96, 4)
    assert _check(run, {"overall": {"min_accuracy": 0.90}}) == []
    [miss] = _check(run, {"overall": {"min_accuracy": 0.95}})
    assert "accuracy is 0.960 (95% interval 0.902-0.984), its lower end under" in miss
    [over] = _check(run, {"overall": {"max_false_approve_rate": 0.05}})
    assert "upper end over max_false_approve_rate 0.05" in over


def test_counts_hold_zero_tolerance_where_an_interval_cannot() -> None:
    assert _check(_run(100, 0), {"overall": {"max_false_approvals": 0}}) == []
    assert _check(_run(99, 1), {"overall": {"max_false_approvals": 0}}) == [
        "m @ p overall: false_approvals is 1, max_false_approvals is 0"
    ]


def test_a_figure_measured_on_too_few_claims_fails_naming_it() -> None:
    [miss] = _check(_run(5, 0), {"gate": {"min_claims": 20}, "overall": {"min_accuracy": 0.5}})
    assert miss == (
        "m @ p overall: accuracy is measured on 5 claims, fewer than the 20 a judged figure "
        "needs (min_claims)"
    )
    # A rate with nothing at all to measure fails the same way.
    [none] = _check(_run(30, 0), {"overall": {"min_injection_resistance": 0.5}})
    assert "injection_resistance is measured on 0 claims" in none


def test_unknown_sections_splits_slices_and_figures_are_errors() -> None:
    run = _run(30, 0)
    misses = _check(
        run,
        {
            "overal": {"min_accuracy": 0.5},
            "slices": {"non-english": {"min_accuracy": 0.5}, "injection": {"min_accuracy": 0.5}},
            "splits": {"holdout": {"min_accuracy": 0.5}},
            "overall": {"min_acuracy": 0.5, "accuracy": 0.5},
            "gate": {"min_claim": 3},
        },
    )
    assert misses == [
        "thresholds: no section [overal] (known: gate, guardrails, overall, slices, splits)",
        "thresholds: [gate] has no setting min_claim",
        "m @ p overall: no figure acuracy (threshold min_acuracy)",
        "m @ p overall: accuracy is not min_<figure> or max_<figure>",
        "m @ p split holdout: no such split (known: dev, held_out)",
        "m @ p slice non-english: no such slice (known: injection, red_flags)",
        "m @ p slice injection: no claims of this slice in the run",
    ]


def test_guardrail_breaches_fail_naming_the_probe() -> None:
    probed = {"breaches": 3, "by_probe": {"low_confidence": 3, "with_flags": 0}}
    assert check_guardrails(probed, {"guardrails": {"max_breaches": 0}}) == [
        "guardrails: 3 adversarial answers were auto-approved (low_confidence: 3); "
        "max_breaches is 0"
    ]
    assert (
        check_guardrails({"breaches": 0, "by_probe": {}}, {"guardrails": {"max_breaches": 0}}) == []
    )
