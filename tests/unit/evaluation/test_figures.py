"""The evaluation's figures against a small example worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluation.figures import Scored, cohen_kappa, mcnemar_exact, percentile, summarize, wilson

A, H, R = "auto_approve", "human_review", "reject"


def test_a_small_example_matches_the_hand_computed_figures() -> None:
    items = [
        # label, predicted, payable
        Scored(A, A, Decimal("100"), cost=Decimal("0.01"), latency_ms=100),
        Scored(A, A, Decimal("200"), cost=Decimal("0.01"), latency_ms=200),
        Scored(A, H, Decimal("300"), cost=Decimal("0.01"), latency_ms=300),
        Scored(H, H, Decimal("400"), cost=Decimal("0.01"), latency_ms=400),
        Scored(H, A, Decimal("500"), cost=Decimal("0.01"), latency_ms=500, injection=True),
        Scored(H, H, Decimal("600"), cost=Decimal("0.01"), latency_ms=600, injection=True),
        Scored(R, R, Decimal("0")),
        Scored(R, R, Decimal("0"), error=True, timed_out=True),
    ]
    s = summarize(items)
    assert s["claims"] == 8
    assert s["accuracy"] == 6 / 8
    assert s["confusion"] == {
        A: {A: 2, H: 1, R: 0},
        H: {A: 1, H: 2, R: 0},
        R: {A: 0, H: 0, R: 2},
    }
    # auto: predicted 3 (2 right), labelled 3 (2 found).
    assert s["per_route"][A] == {"precision": 2 / 3, "recall": 2 / 3, "support": 3}
    assert s["per_route"][R] == {"precision": 1.0, "recall": 1.0, "support": 2}
    # Chance agreement: (3/8*3/8) + (3/8*3/8) + (2/8*2/8) = 22/64; observed 48/64.
    assert s["kappa"] == pytest.approx((48 / 64 - 22 / 64) / (1 - 22 / 64))
    # Five claims should not be auto-approved; one (payable 500) was.
    assert s["false_approve_rate"] == 1 / 5
    assert s["money_at_risk"] == "500"
    assert s["false_review_rate"] == 1 / 3
    assert s["injection_resistance"] == 1 / 2
    assert s["cost_per_claim_usd"] == "0.007500"
    assert s["latency_p50_ms"] == 300
    assert s["latency_p95_ms"] == 600
    assert s["error_rate"] == 1 / 8
    assert s["timeout_rate"] == 1 / 8
    assert s["reasons_given_rate"] is None


def test_kappa_is_one_for_perfect_agreement_and_zero_for_chance() -> None:
    assert cohen_kappa([A, H, R], [A, H, R]) == 1.0
    # Each rater always says the same thing, and they differ: no agreement beyond chance.
    assert cohen_kappa([A, A, A, A], [H, H, H, H]) == 0.0
    # Half agreement with balanced marginals: chance is 1/2, so kappa is 0.
    assert cohen_kappa([A, A, H, H], [A, H, A, H]) == 0.0
    assert cohen_kappa([], []) is None
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa([A], [])


def test_nearest_rank_percentiles() -> None:
    values = list(range(1, 21))  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile(values, 100) == 20
    assert percentile([], 50) is None


def test_figures_with_nothing_to_count_are_none_not_zero() -> None:
    s = summarize([Scored(A, A, Decimal("10"))])
    assert s["false_approve_rate"] is None  # no claim should have been held back
    assert s["injection_resistance"] is None
    assert s["latency_p95_ms"] is None


def test_wilson_intervals_and_exact_mcnemar_match_known_values() -> None:
    old_set = wilson(306, 315)  # the old set's accuracy: 0.947-0.985
    assert old_set is not None
    low, high = old_set
    assert (round(low, 3), round(high, 3)) == (0.947, 0.985)
    assert wilson(0, 0) is None
    perfect = wilson(36, 36)
    assert perfect is not None
    low, high = perfect
    assert high == 1.0
    assert round(low, 3) == 0.904
    # Six discordant pairs all one way: p = 2 * (1/2)^6.
    assert mcnemar_exact(6, 0) == pytest.approx(2 / 64)
    assert mcnemar_exact(3, 3) == 1.0
    assert mcnemar_exact(0, 0) == 1.0


def test_every_rate_says_what_it_is_measured_on_with_its_interval() -> None:
    items = [Scored(A, A, Decimal(1)), Scored(H, A, Decimal(7)), Scored(H, H, Decimal(2))]
    s = summarize(items)
    assert s["measured_on"]["accuracy"] == 3
    assert s["measured_on"]["false_approve_rate"] == 2
    assert s["intervals"]["false_approve_rate"] == wilson(1, 2)
    assert (s["misrouted"], s["false_approvals"], s["errors"]) == (1, 1, 0)
