"""`claims eval`: the golden set through production's assessment path, per model and prompt
version; a JSON and a self-contained HTML report; thresholds that fail the run when missed.

    claims eval --model offline/claims-assessor --model openai/gpt-4o-mini \\
        --thresholds evals/thresholds.toml

Models are served where the llm worker's are (CLAIMS_LLM_API_BASE, CLAIMS_LLM_API_KEY), with
its per-call timeout; routing uses CLAIMS_AUTO_APPROVE_LIMIT and ..._MIN_CONFIDENCE.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from claims.assessment import PROMPT_VERSION, PROMPTS
from evaluation import gate, golden, html, live, report, runner
from evaluation.pipeline import Routing
from infra.db import create_engine
from infra.settings import Settings
from infra.store import shadows

DEFAULT_GOLDEN = Path("evals/claims.jsonl")
DEFAULT_OUT = Path(".data/eval")


def add_command(commands: Any) -> None:
    command = commands.add_parser(
        "eval", help="evaluate models and prompts on the golden set (JSON and HTML report)"
    )
    command.add_argument(
        "--model",
        action="append",
        default=[],
        help="a model to evaluate, as litellm names it; repeat for several (default: "
        "CLAIMS_LLM_MODEL). `model@<prompt version>` picks a prompt per model",
    )
    command.add_argument(
        "--prompt-version",
        default=PROMPT_VERSION,
        help=f"the prompt every model is asked with (default: production's, {PROMPT_VERSION}; "
        f"known: {', '.join(PROMPTS)})",
    )
    command.add_argument("--slice", action="append", default=[], help="only this slice (repeat)")
    command.add_argument("--limit", type=int, help="only the first N claims (after --slice)")
    command.add_argument("--golden", type=Path, default=DEFAULT_GOLDEN, help="the golden set")
    command.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report directory")
    command.add_argument("--concurrency", type=int, default=8, help="model calls at once")
    command.add_argument(
        "--thresholds", type=Path, help="fail (exit 1) when the gated model misses one"
    )
    command.add_argument(
        "--gate",
        help="the model the thresholds apply to (default: the first --model); candidates "
        "beside it are reported, not gated",
    )
    command.add_argument("--fresh", action="store_true", help="ignore the cache of an earlier run")
    command.add_argument(
        "--live",
        action="store_true",
        help="report on the shadow assessments of live claims instead (needs "
        "CLAIMS_DATABASE_URL), with adjusters' decisions as labels where a person decided",
    )
    command.add_argument("--since", default="7d", help="with --live: how far back (7d, 36h)")


def _candidates(args: argparse.Namespace, settings: Settings) -> list[runner.Candidate]:
    candidates = []
    for spec in args.model or [settings.llm_model]:
        model, _, version = spec.partition("@")
        version = version or args.prompt_version
        if version not in PROMPTS:
            raise SystemExit(
                f"claims eval: no prompt version {version!r} (known: {', '.join(PROMPTS)})"
            )
        candidates.append(runner.Candidate(model, version))
    return candidates


def _rows(args: argparse.Namespace) -> list[golden.GoldenClaim]:
    try:
        rows = golden.load(args.golden)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"claims eval: cannot read the golden set: {exc}") from None
    if args.slice:
        unknown = set(args.slice) - {str(s) for s in golden.Slice}
        if unknown:
            known = ", ".join(golden.Slice)
            raise SystemExit(f"claims eval: no slice {sorted(unknown)} (known: {known})")
        rows = [row for row in rows if row.slice in args.slice]
    if args.limit is not None:
        rows = rows[: max(0, args.limit)]
    if not rows:
        raise SystemExit("claims eval: no claims to evaluate")
    return rows


def _progress(started: float) -> runner.Progress:
    """A bar redrawn in place on a terminal; a line per tenth of the run in a log."""
    terminal = sys.stderr.isatty()
    shown = -1

    def show(done: int, total: int, cached: int) -> None:
        nonlocal shown
        tenth = 10 * done // total
        if not terminal and tenth == shown and done != total:
            return
        shown = tenth
        width = 30
        filled = width * done // total
        rate = done / max(time.monotonic() - started, 1e-6)
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"({cached} from cache, {rate:.1f}/s)"
        )
        sys.stderr.write(f"\r{line}" if terminal else f"{line}\n")
        if terminal and done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.live:
        return _live(args, settings)
    if args.concurrency < 1:
        raise SystemExit("claims eval: --concurrency must be at least 1")
    candidates = _candidates(args, settings)
    rows = _rows(args)
    routing = Routing(settings.auto_approve_limit, settings.auto_approve_min_confidence)
    provider = runner.Provider(
        api_base=settings.llm_api_base,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=settings.llm_timeout_s,
    )
    cache_path = args.out / "cache.jsonl"
    if args.fresh:
        cache_path.unlink(missing_ok=True)
    cache = runner.Cache(cache_path)
    print(
        f"claims eval: {len(rows)} claims x {len(candidates)} candidates "
        f"({', '.join(c.name for c in candidates)})",
        file=sys.stderr,
    )
    predictions = asyncio.run(
        runner.run(
            rows,
            candidates,
            provider=provider,
            routing=routing,
            cache=cache,
            concurrency=args.concurrency,
            progress=_progress(time.monotonic()),
        )
    )
    built = report.build(rows, predictions, routing=routing, source=str(args.golden))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(built, indent=2) + "\n")
    (args.out / "report.html").write_text(html.render(built))
    print(summary_table(built))
    print(f"report: {args.out / 'report.html'} and {args.out / 'report.json'}")
    if args.thresholds is None:
        return 0
    gated = args.gate or candidates[0].model
    misses = []
    for run_report in built["runs"]:
        if run_report["model"] == gated:
            misses += gate.check(run_report, gate.load(args.thresholds))
    for miss in misses:
        print(f"THRESHOLD MISSED: {miss}")
    if misses:
        return 1
    print(f"thresholds met: {args.thresholds} for {gated}")
    return 0


def summary_table(built: dict[str, Any]) -> str:
    """The summary as a plain-text table (what the terminal and the closing notes show)."""
    columns = (
        "accuracy",
        "false_approve_rate",
        "money_at_risk",
        "false_review_rate",
        "injection_resistance",
        "reasons_given_rate",
        "cost_per_claim_usd",
        "latency_p95_ms",
        "error_rate",
    )
    header = ["candidate", *columns]
    lines = [header]
    for run_report in built["runs"]:
        lines.append(
            [run_report["name"], *(html.figure(run_report["overall"][c]) for c in columns)]
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    )


def _live(args: argparse.Namespace, settings: Settings) -> int:
    if settings.database_url is None:
        raise SystemExit("claims eval --live: set CLAIMS_DATABASE_URL (the service's database)")
    now = dt.datetime.now(dt.UTC)
    try:
        since = live.parse_since(args.since, now)
    except ValueError as exc:
        raise SystemExit(f"claims eval: {exc}") from None

    async def read() -> dict[str, Any]:
        engine = create_engine(settings.database_url or "")
        try:
            async with engine.connect() as conn:
                rows = await shadows.since(conn=conn, start=since)
        finally:
            await engine.dispose()
        return live.build(rows, since=since)

    built = asyncio.run(read())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "live.json").write_text(json.dumps(built, indent=2) + "\n")
    (args.out / "live.html").write_text(html.render_live(built))
    for candidate in built["candidates"]:
        print(
            f"{candidate['name']}: {candidate['shadows']} shadows, agrees with production "
            f"{html.figure(candidate['agreement_with_production'])}, with adjusters "
            f"{html.figure(candidate['agreement_with_adjusters'])}, "
            f"{len(candidate['money_at_stake'])} disagreements with money at stake"
        )
    if not built["candidates"]:
        print(f"no shadow assessments since {built['since']}")
    print(f"report: {args.out / 'live.html'} and {args.out / 'live.json'}")
    return 0
