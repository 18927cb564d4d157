"""`claims eval --live`: the shadow candidates on real claims (evaluation/live.py), reported
as JSON and HTML, and held to `--thresholds` when given (exit 1 on a miss), so a candidate is
promoted on evidence."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
from typing import Any

from evaluation import gate, live, page
from evaluation.live_html import render_live
from infra.db import create_engine
from infra.settings import Settings
from infra.store import shadows


def _read(settings: Settings, since: dt.datetime) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        engine = create_engine(settings.database_url or "")
        try:
            async with engine.connect() as conn:
                rows = await shadows.since(conn=conn, start=since)
        finally:
            await engine.dispose()
        return live.build(rows, since=since)

    return asyncio.run(read())


def _gate(args: argparse.Namespace, built: dict[str, Any]) -> list[str]:
    """Every threshold a gated candidate misses (all candidates, or the one --gate names)."""
    thresholds = gate.load(args.thresholds)
    gated = [c for c in built["candidates"] if args.gate in (None, c["model"], c["name"])]
    if args.gate is not None and not gated:
        return [f"--gate {args.gate} matches no candidate with shadows since {built['since']}"]
    if not gated:
        return [f"no shadow assessments since {built['since']}: nothing to judge"]
    misses = []
    for candidate in gated:
        run = {"name": candidate["name"], "overall": candidate["overall"], "splits": {}}
        misses += gate.check(
            run | {"slices": {}}, thresholds, slices=frozenset(), splits=frozenset()
        )
    return misses


def run_live(args: argparse.Namespace, settings: Settings) -> int:
    if settings.database_url is None:
        raise SystemExit("claims eval --live: set CLAIMS_DATABASE_URL (the service's database)")
    try:
        since = live.parse_since(args.since, dt.datetime.now(dt.UTC))
    except ValueError as exc:
        raise SystemExit(f"claims eval: {exc}") from None
    built = _read(settings, since)
    misses = None
    if args.thresholds is not None:
        misses = _gate(args, built)
        built["gate"] = {"thresholds": str(args.thresholds), "misses": misses}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "live.json").write_text(json.dumps(built, indent=2) + "\n")
    (args.out / "live.html").write_text(render_live(built))
    for candidate in built["candidates"]:
        figures = candidate["overall"]
        print(
            f"{candidate['name']}: {figures['shadows']} shadows, agrees with production "
            f"{page.figure(figures['agreement_with_production'])} "
            f"(n={figures['measured_on']['agreement_with_production']}), with adjusters "
            f"{page.figure(figures['agreement_with_adjusters'])} "
            f"(n={figures['measured_on']['agreement_with_adjusters']}), "
            f"{len(candidate['money_at_stake'])} disagreements with money at stake"
        )
    if not built["candidates"]:
        print(f"no shadow assessments since {built['since']}")
    print(f"report: {args.out / 'live.html'} and {args.out / 'live.json'}")
    if misses is None:
        return 0
    for miss in misses:
        print(f"THRESHOLD MISSED: {miss}")
    if misses:
        return 1
    print(f"thresholds met: {args.thresholds}")
    return 0
