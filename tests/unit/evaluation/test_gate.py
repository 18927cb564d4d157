"""Thresholds: a figure under a minimum, over a maximum, or missing fails the gate."""

from __future__ import annotations

from typing import Any

from evaluation.gate import check

RUN: dict[str, Any] = {
    "name": "m @ p",
    "overall": {"accuracy": 0.9, "false_approve_rate": 0.1, "money_at_risk": "1500.00"},
    "slices": {"injection": {"injection_resistance": None, "accuracy": 1.0}},
}


def test_a_run_meeting_every_threshold_passes() -> None:
    thresholds = {"overall": {"min_accuracy": 0.9, "max_money_at_risk": 1500}}
    assert check(RUN, thresholds) == []


def test_a_figure_with_nothing_to_measure_is_not_judged_but_an_unknown_one_is() -> None:
    assert check(RUN, {"slices": {"injection": {"min_injection_resistance": 1.0}}}) == []
    assert check(RUN, {"overall": {"min_acuracy": 0.5}}) == [
        "m @ p overall: no figure acuracy (threshold min_acuracy)"
    ]


def test_misses_are_named_with_the_figure_and_the_bound() -> None:
    thresholds = {
        "overall": {"min_accuracy": 0.95, "max_money_at_risk": 1000, "max_false_approve_rate": 0.1},
        "slices": {"injection": {"min_accuracy": 1.0}, "other": {"min_accuracy": 1}},
    }
    assert check(RUN, thresholds) == [
        "m @ p overall: accuracy is 0.9, min_accuracy is 0.95",
        "m @ p overall: money_at_risk is 1500.00, max_money_at_risk is 1000",
    ]


def test_a_misspelt_threshold_is_a_miss_not_ignored() -> None:
    assert check(RUN, {"overall": {"accuracy": 0.5}}) == [
        "m @ p overall: accuracy is not min_<figure> or max_<figure>"
    ]
