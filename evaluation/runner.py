"""Running the golden set: every claim, for every model and prompt version, with bounded
concurrency, a progress line, and a cache so an interrupted run continues where it stopped.

The cache is a JSON-lines file of predictions, keyed by the model, the prompt version, the
routing thresholds and a digest of the claim's row: a changed row or threshold is asked again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from activities.assessment import LlmConfig, ModelChain
from evaluation.golden import GoldenClaim
from evaluation.pipeline import Prediction, Routing, predict


@dataclass(frozen=True)
class Candidate:
    model: str
    prompt_version: str

    @property
    def name(self) -> str:
        return f"{self.model} @ {self.prompt_version}"


@dataclass(frozen=True)
class Provider:
    """Where the models are served (CLAIMS_LLM_API_BASE / _API_KEY), and the per-call timeout."""

    api_base: str | None
    api_key: str | None
    timeout_s: float


def cache_key(candidate: Candidate, routing: Routing, row: GoldenClaim) -> str:
    digest = hashlib.sha256(row.model_dump_json().encode()).hexdigest()[:16]
    return "|".join(
        (
            candidate.model,
            candidate.prompt_version,
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


async def run(
    rows: Sequence[GoldenClaim],
    candidates: Sequence[Candidate],
    *,
    provider: Provider,
    routing: Routing,
    cache: Cache,
    concurrency: int,
    progress: Progress | None = None,
) -> dict[Candidate, list[Prediction]]:
    """Predictions per candidate, in the golden set's order."""
    slots = asyncio.Semaphore(concurrency)
    total = len(rows) * len(candidates)
    done = cached = 0
    results: dict[Candidate, dict[str, Prediction]] = {c: {} for c in candidates}

    async def one(candidate: Candidate, chain: ModelChain, row: GoldenClaim) -> None:
        nonlocal done, cached
        key = cache_key(candidate, routing, row)
        hit = cache.known.get(key)
        if hit is None:
            async with slots:
                hit = await predict(
                    row,
                    chain,
                    model=candidate.model,
                    prompt_version=candidate.prompt_version,
                    routing=routing,
                    timeout_s=provider.timeout_s,
                )
            cache.add(key, hit)
        else:
            cached += 1
        results[candidate][row.id] = hit
        done += 1
        if progress:
            progress(done, total, cached)

    tasks = []
    for candidate in candidates:
        chain = ModelChain(
            LlmConfig(
                model=candidate.model,
                api_base=provider.api_base,
                api_key=provider.api_key,
                timeout_s=provider.timeout_s,
            )
        )
        tasks += [one(candidate, chain, row) for row in rows]
    await asyncio.gather(*tasks)
    return {c: [results[c][row.id] for row in rows] for c in candidates}
