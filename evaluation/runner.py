"""Running the golden set: every claim, for every model and prompt version, with bounded
concurrency, a progress line, and a cache so an interrupted run continues where it stopped.

The cache is a JSON-lines file of predictions, keyed by the model, the provider (its base URL
and label), digests of the prompt's text and of the assessment path's code, the routing
thresholds and a digest of the claim's row: a changed row, threshold, prompt, code or provider
is asked again, so a cached answer is never reported as another provider's.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from activities.agent_turn import AgentTurns
from activities.assessment import LlmConfig, ModelChain
from evaluation.golden import GoldenClaim
from evaluation.pipeline import Prediction, Routing, investigate_claim, predict
from evaluation.provenance import code_digest, prompt_digest


@dataclass(frozen=True)
class Candidate:
    model: str
    prompt_version: str
    # Investigates (the workflow's loop, tools and bounds) instead of answering once.
    agent: bool = False

    @property
    def name(self) -> str:
        return f"{self.model} @ {self.prompt_version}" + (" (agent)" if self.agent else "")


@dataclass(frozen=True)
class Provider:
    """Where the models are served (CLAIMS_LLM_API_BASE / _API_KEY), and the per-call timeout."""

    api_base: str | None
    api_key: str | None
    timeout_s: float
    # What serves the models, in the report's words ("fake" for a test server).
    label: str | None = None


def cache_key(candidate: Candidate, routing: Routing, row: GoldenClaim, provider: Provider) -> str:
    digest = hashlib.sha256(row.model_dump_json().encode()).hexdigest()[:16]
    return "|".join(
        (
            candidate.model + ("+agent" if candidate.agent else ""),
            candidate.prompt_version,
            prompt_digest(candidate.prompt_version),
            code_digest(),
            provider.api_base or "-",
            provider.label or "-",
            f"{routing.auto_approve_limit}:{routing.min_confidence}",
            row.id,
            digest,
        )
    )


class Cache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, Prediction] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                    self.known[entry["key"]] = Prediction.model_validate(entry["prediction"])
                except (ValueError, KeyError):
                    continue  # a line cut short by an interruption: asked again
        path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, key: str, prediction: Prediction) -> None:
        self.known[key] = prediction
        entry = {"key": key, "prediction": prediction.model_dump(mode="json")}
        with self.path.open("a") as out:
            out.write(json.dumps(entry) + "\n")


Progress = Callable[[int, int, int], None]
Assess = Callable[[GoldenClaim], Awaitable[Prediction]]


def assessor(candidate: Candidate, provider: Provider, routing: Routing) -> Assess:
    """How the candidate assesses a golden claim: once (the model chain), or investigating
    (the workflow's loop)."""
    config = LlmConfig(
        model=candidate.model,
        api_base=provider.api_base,
        api_key=provider.api_key,
        timeout_s=provider.timeout_s,
    )
    asked = {"model": candidate.model, "prompt_version": candidate.prompt_version}
    if candidate.agent:
        turns = AgentTurns(config)
        return lambda row: investigate_claim(
            row, turns, **asked, routing=routing, timeout_s=provider.timeout_s
        )
    chain = ModelChain(config)
    return lambda row: predict(row, chain, **asked, routing=routing, timeout_s=provider.timeout_s)


async def run(
    rows: Sequence[GoldenClaim],
    candidates: Sequence[Candidate],
    *,
    provider: Provider,
    routing: Routing,
    cache: Cache,
    concurrency: int,
    progress: Progress | None = None,
    hits: dict[Candidate, int] | None = None,
) -> dict[Candidate, list[Prediction]]:
    """Predictions per candidate, in the golden set's order (`hits` counts, per candidate, the
    answers taken from the cache)."""
    slots = asyncio.Semaphore(concurrency)
    total = len(rows) * len(candidates)
    done = cached = 0
    results: dict[Candidate, dict[str, Prediction]] = {c: {} for c in candidates}
    hit_counts = hits if hits is not None else {}

    async def one(candidate: Candidate, assess: Assess, row: GoldenClaim) -> None:
        nonlocal done, cached
        key = cache_key(candidate, routing, row, provider)
        hit = cache.known.get(key)
        if hit is None:
            async with slots:
                hit = await assess(row)
            cache.add(key, hit)
        else:
            cached += 1
            hit_counts[candidate] = hit_counts.get(candidate, 0) + 1
        results[candidate][row.id] = hit
        done += 1
        if progress:
            progress(done, total, cached)

    tasks = []
    for candidate in candidates:
        assess = assessor(candidate, provider, routing)
        tasks += [one(candidate, assess, row) for row in rows]
    await asyncio.gather(*tasks)
    return {c: [results[c][row.id] for row in rows] for c in candidates}
