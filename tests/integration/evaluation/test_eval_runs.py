"""`claims eval`'s engine against the local fake provider: two models that disagree on known
claims, and a cache that makes an interrupted run continue instead of asking again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from claims.assessment import PROMPT_VERSION
from evaluation import golden, report
from evaluation.pipeline import Routing
from evaluation.runner import Cache, Candidate, Provider, run
from tests.support.fake_llm import FakeLlmServer

GOLDEN = Path(__file__).resolve().parents[3] / "evals" / "claims.jsonl"
# Both models approve the ordinary ones, both send the one over the limit to a person; only the
# lenient model misses the cash-only repairs. So these three, and only these, are disagreements.
ORDINARY = ["ordinary-001", "ordinary-021", "ordinary-041"]
OVER_LIMIT = ["around_limits-019"]
CASH_ONLY = ["red_flags-011", "red_flags-012", "red_flags-013"]
ROUTING = Routing(Decimal("5000"), 0.9)


@pytest.fixture
async def provider() -> AsyncIterator[tuple[FakeLlmServer, Provider]]:
    server = FakeLlmServer()
    await server.start()
    yield server, Provider(api_base=server.api_base, api_key="fake", timeout_s=10)
    await server.stop()


def rows(ids: list[str]) -> list[golden.GoldenClaim]:
    by_id = {row.id: row for row in golden.load(GOLDEN)}
    return [by_id[i] for i in ids]


async def test_two_models_disagree_exactly_where_one_misses_a_red_flag(
    provider: tuple[FakeLlmServer, Provider], tmp_path: Path
) -> None:
    server, serving = provider
    claims = rows(ORDINARY + OVER_LIMIT + CASH_ONLY)
    good, lenient = (
        Candidate("openai/good", PROMPT_VERSION),
        Candidate("openai/lenient", PROMPT_VERSION),
    )
    predictions = await run(
        claims,
        [good, lenient],
        provider=serving,
        routing=ROUTING,
        cache=Cache(tmp_path / "cache.jsonl"),
        concurrency=4,
    )
    built = report.build(claims, predictions, routing=ROUTING, source="test")
    [pair] = built["pairs"]
    assert [d["claim"] for d in pair["disagreements"]] == CASH_ONLY
    assert {d[good.name] for d in pair["disagreements"]} == {"human_review"}
    assert {d[lenient.name] for d in pair["disagreements"]} == {"auto_approve"}
    assert pair["agreement"] == pytest.approx(4 / 7)

    by_name = {r["name"]: r for r in built["runs"]}
    assert by_name[good.name]["overall"]["accuracy"] == 1.0
    assert by_name[good.name]["overall"]["false_approve_rate"] == 0.0
    lenient_overall = by_name[lenient.name]["overall"]
    assert lenient_overall["accuracy"] == pytest.approx(4 / 7)
    # The money at risk is exactly the payable of the three cash-only claims.
    payable = sum(p.payable_amount for p in predictions[lenient] if p.claim in CASH_ONLY)
    assert Decimal(lenient_overall["money_at_risk"]) == payable
    assert by_name[lenient.name]["slices"]["red_flags"]["false_approve_rate"] == 1.0
    assert server.stats.requests["lenient"] == len(claims)


async def test_an_interrupted_run_continues_from_its_cache(
    provider: tuple[FakeLlmServer, Provider], tmp_path: Path
) -> None:
    server, serving = provider
    claims = rows(ORDINARY + CASH_ONLY)
    candidate = Candidate("openai/good", PROMPT_VERSION)
    cache_path = tmp_path / "cache.jsonl"
    await run(
        claims[:3],
        [candidate],
        provider=serving,
        routing=ROUTING,
        cache=Cache(cache_path),
        concurrency=2,
    )
    # The run was stopped mid-write: its last line is cut short.
    with cache_path.open("a") as out:
        out.write('{"key": "openai/good|')
    seen: list[tuple[int, int, int]] = []
    predictions = await run(
        claims,
        [candidate],
        provider=serving,
        routing=ROUTING,
        cache=Cache(cache_path),
        concurrency=2,
        progress=lambda done, total, cached: seen.append((done, total, cached)),
    )
    assert server.stats.requests["good"] == len(claims)  # each claim asked once in all
    assert seen[-1] == (len(claims), len(claims), 3)
    assert [p.claim for p in predictions[candidate]] == [c.id for c in claims]
    # Other routing thresholds are another question: nothing is taken from the cache.
    stricter = Routing(Decimal("1000"), 0.99)
    await run(
        claims[:1],
        [candidate],
        provider=serving,
        routing=stricter,
        cache=Cache(cache_path),
        concurrency=1,
    )
    assert server.stats.requests["good"] == len(claims) + 1
