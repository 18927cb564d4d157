"""`claims eval`: the golden set through production's assessment path, per model and prompt
version; a JSON and a self-contained HTML report; a gate that fails the run when the gated model
misses a threshold, when the routing's guardrails let an adversarial answer through, or when a
claim's route moved from the stored baseline.

    claims eval --model offline/claims-assessor --model openai/gpt-4o-mini \\
        --thresholds evaluation/dataset/thresholds.toml

Models are served where the llm worker's are (CLAIMS_LLM_API_BASE, CLAIMS_LLM_API_KEY), with
its per-call timeout; routing uses CLAIMS_AUTO_APPROVE_LIMIT and ..._MIN_CONFIDENCE. Exit codes:
0 passed (or nothing gated), 1 the gate failed, 2 the command line or the files are wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from claims.assessment import PROMPT_VERSION, PROMPTS
from cli.evaluate_output import progress, summary_table
from evaluation import baseline, gate, golden, guardrails, html, provenance, report, runner
from evaluation.pipeline import Prediction, Routing
from infra.settings import Settings

# The golden set ships with the evaluation package (in the image too).
DATASET = Path(golden.__file__).parent / "dataset"
DEFAULT_GOLDEN = DATASET / "claims.jsonl"
DEFAULT_OUT = Path(".data/eval")
DEFAULT_BASELINE = DATASET / "baseline.json"
USAGE_ERROR = 2


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
        "--agent",
        action="append",
        default=[],
        metavar="MODEL",
        help="a model to evaluate as the investigating agent (the workflow's loop, tools and "
        "bounds, a simulated claimant); repeat for several; reported beside the --model ones",
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
    command.add_argument(
        "--baseline",
        type=Path,
        default=DEFAULT_BASELINE,
        help="the gated model's stored route per claim; with --thresholds, any claim whose "
        "route moved fails the run (default: evaluation/dataset/baseline.json)",
    )
    command.add_argument(
        "--update-baseline",
        action="store_true",
        help="store this run's routes of the gated model as the baseline (a full run only)",
    )
    command.add_argument(
        "--provider-label",
        help="what serves the models at CLAIMS_LLM_API_BASE, for the report: `fake` marks a "
        "test server's answers as not the named models'",
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
    for spec in args.agent:
        model, _, version = spec.partition("@")
        candidates.append(runner.Candidate(model, version or args.prompt_version, agent=True))
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


def _gated(args: argparse.Namespace, candidates: list[runner.Candidate]) -> runner.Candidate:
    """The candidate the thresholds apply to: --gate (a model or `model @ version`), else the
    first. A --gate that names no candidate is an error, never a pass with nothing checked."""
    if args.gate is None:
        return candidates[0]
    for candidate in candidates:
        if args.gate in (candidate.model, candidate.name):
            return candidate
    names = ", ".join(c.name for c in candidates)
    print(f"claims eval: --gate {args.gate} matches no candidate ({names})", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def _provenance(args: argparse.Namespace, rows: int) -> dict[str, Any]:
    return {
        "dataset": str(args.golden),
        "dataset_sha256": provenance.dataset_sha256(args.golden),
        "rows_run": rows,
        "git_commit": provenance.git_commit(),
        "code_digest": provenance.code_digest(),
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.live:
        return _live(args, settings)
    if args.concurrency < 1:
        raise SystemExit("claims eval: --concurrency must be at least 1")
    candidates = _candidates(args, settings)
    rows = _rows(args)
    gated = _gated(args, candidates)
    if args.update_baseline and (args.slice or args.limit is not None):
        raise SystemExit("claims eval: --update-baseline needs the whole golden set")
    routing = Routing(settings.auto_approve_limit, settings.auto_approve_min_confidence)
    provider = runner.Provider(
        api_base=settings.llm_api_base,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=settings.llm_timeout_s,
        label=args.provider_label,
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
    hits: dict[runner.Candidate, int] = {}
    predictions = asyncio.run(
        runner.run(
            rows,
            candidates,
            provider=provider,
            routing=routing,
            cache=cache,
            concurrency=args.concurrency,
            progress=progress(time.monotonic()),
            hits=hits,
        )
    )
    built = report.build(
        rows,
        predictions,
        routing=routing,
        source=str(args.golden),
        provenance=_provenance(args, len(rows)) | {"gated": gated.name},
        providers={
            c: provenance.provider_of(c.model, provider.api_base, provider.label)
            for c in candidates
        },
        cache_hits=hits,
        guardrails=guardrails.probe(rows, routing),
    )
    compared = baseline.compare(baseline.load(args.baseline), predictions[gated])
    built["baseline"] = {"path": str(args.baseline)} | compared
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(built, indent=2) + "\n")
    (args.out / "report.html").write_text(html.render(built))
    print(summary_table(built))
    for run_report in built["runs"]:
        if run_report["provider"].get("note"):
            print(f"  {run_report['name']}: {run_report['provider']['note']}")
        if "investigation" in run_report:
            print(f"  {run_report['name']}: {investigation_line(run_report['investigation'])}")
    print(f"report: {args.out / 'report.html'} and {args.out / 'report.json'}")
    if args.update_baseline:
        _store_baseline(args, predictions[gated], routing)
    if args.thresholds is None:
        return 0
    return _judge(args, built, gated, updated=args.update_baseline)


def investigation_line(figures: dict[str, Any]) -> str:
    if not figures.get("claims"):
        return "no claim investigated"
    return (
        f"{figures['turns_per_claim']} turns and {figures['tool_calls_per_claim']} tool calls "
        f"per investigated claim (at most {figures['max_turns']}), "
        f"{figures['question_share']:.1%} asked the claimant"
    )


def _store_baseline(
    args: argparse.Namespace, predicted: list[Prediction], routing: Routing
) -> None:
    stored = baseline.build(
        predicted, routing=routing, dataset_sha256=provenance.dataset_sha256(args.golden)
    )
    baseline.save(args.baseline, stored)
    print(f"baseline: stored {len(predicted)} routes of {predicted[0].model} in {args.baseline}")


def _judge(
    args: argparse.Namespace, built: dict[str, Any], gated: runner.Candidate, *, updated: bool
) -> int:
    try:
        thresholds = gate.load(args.thresholds)
    except (OSError, ValueError) as exc:
        print(f"claims eval: cannot read {args.thresholds}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    [gated_run] = [r for r in built["runs"] if r["name"] == gated.name]
    misses = gate.check(
        gated_run,
        thresholds,
        slices=frozenset(str(s) for s in golden.Slice),
        splits=frozenset(str(s) for s in golden.Split),
    )
    misses += gate.check_guardrails(built["guardrails"], thresholds)
    if not updated:
        misses += built["baseline"]["misses"]
    for miss in misses:
        print(f"THRESHOLD MISSED: {miss}")
    if misses:
        return 1
    print(f"thresholds met: {args.thresholds} for {gated.model}")
    return 0


def _live(args: argparse.Namespace, settings: Settings) -> int:
    from cli.evaluate_live import run_live

    return run_live(args, settings)
