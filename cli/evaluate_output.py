"""What `claims eval` prints while and after it runs: a progress bar, then the summary table."""

from __future__ import annotations

import sys
import time
from typing import Any

from evaluation import page, runner


def progress(started: float) -> runner.Progress:
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


def _shown(figures: dict[str, Any], name: str) -> str:
    value = page.figure(figures[name])
    interval = figures.get("intervals", {}).get(name)
    return f"{value} [{interval[0]:.3f}-{interval[1]:.3f}]" if interval else value


def summary_table(built: dict[str, Any]) -> str:
    """The summary as a plain-text table (what the terminal and the closing notes show), each
    rate with its 95% interval in brackets."""
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
        lines.append([run_report["name"], *(_shown(run_report["overall"], c) for c in columns)])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    )
