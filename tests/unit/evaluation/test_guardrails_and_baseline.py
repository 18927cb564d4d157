"""The routing's guardrails probed on golden rows, and the per-claim baseline."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from evaluation import baseline
from evaluation.golden import Route, load
from evaluation.guardrails import probe
from evaluation.pipeline import Prediction, Routing

ROOT = Path(__file__).resolve().parents[3]
ROWS = load(ROOT / "evaluation" / "dataset" / "claims.jsonl")
TODAY = Routing(Decimal("5000"), 0.9)


def test_todays_routing_sends_every_adversarial_answer_to_a_person() -> None:
    probed = probe(ROWS, TODAY)
    assert probed["breaches"] == 0
    assert probed["sent"]["low_confidence"] > 400
    assert probed["sent"]["above_limit"] >= 20
    assert probed["sent"]["risk_rules"] >= 10


def test_each_weakened_guardrail_is_caught_by_its_probe() -> None:
    no_floor = probe(ROWS, Routing(Decimal("5000"), 0.0))
    assert no_floor["by_probe"]["low_confidence"] > 0
    assert no_floor["by_probe"]["with_flags"] == 0
    raised = probe(ROWS, Routing(Decimal("1000000"), 0.9))
    # The insurer's limit is the rubric's: a raised configuration lets the stub through.
    assert raised["by_probe"]["above_limit"] == raised["sent"]["above_limit"] > 0
    assert raised["by_probe"]["low_confidence"] == 0


def _predictions(routes: dict[str, Route]) -> list[Prediction]:
    return [
        Prediction(
            claim=claim,
            model="offline/claims-assessor",
            prompt_version="v1",
            route=route,
            reasons=[],
            payable_amount=Decimal(1),
        )
        for claim, route in routes.items()
    ]


def test_claims_whose_route_moved_fail_and_are_listed_until_the_baseline_is_updated() -> None:
    routes = {f"c-{n:03d}": Route.HUMAN_REVIEW for n in range(20)}
    stored = baseline.build(_predictions(routes), routing=TODAY, dataset_sha256="x")
    assert baseline.compare(stored, _predictions(routes))["misses"] == []
    moved = dict(routes) | {f"c-{n:03d}": Route.AUTO_APPROVE for n in range(6)}
    compared = baseline.compare(stored, _predictions(moved))
    assert len(compared["moved"]) == 6
    [miss] = compared["misses"]
    assert miss.startswith("baseline: 6 claims changed route: c-000 human_review -> auto_approve")
    updated = baseline.build(_predictions(moved), routing=TODAY, dataset_sha256="x")
    assert baseline.compare(updated, _predictions(moved))["misses"] == []


def test_a_baseline_of_another_model_or_missing_claims_is_no_pass() -> None:
    routes = {"c-1": Route.AUTO_APPROVE}
    other = baseline.build(_predictions(routes), routing=TODAY, dataset_sha256="x") | {
        "model": "openai/gpt-4o"
    }
    [miss] = baseline.compare(other, _predictions(routes))["misses"]
    assert "stored for openai/gpt-4o" in miss
    [none] = baseline.compare(None, _predictions(routes))["misses"]
    assert "none stored" in none
    stored = baseline.build(_predictions(routes), routing=TODAY, dataset_sha256="x")
    more = _predictions(routes | {"c-2": Route.HUMAN_REVIEW})
    assert "1 claims have no stored route" in baseline.compare(stored, more)["misses"][0]
