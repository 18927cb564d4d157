"""What both HTML reports share: the style sheet, the figures' names and how a figure is
written (with its interval, for a rate)."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;margin:2rem;max-width:84rem}
table{border-collapse:collapse;margin:.6rem 0 1.4rem}th,td{border-bottom:1px solid #ccc;
padding:.3rem .6rem;text-align:right;vertical-align:top}th:first-child,td:first-child,
td.text,th.text{text-align:left}caption{text-align:left;font-weight:600;padding:.3rem 0}
h2{margin-top:2rem}.plots{display:flex;flex-wrap:wrap;gap:2rem}.bad{color:#8a1111;
font-weight:600}.ci{color:#555;font-size:.85em;white-space:nowrap}figure{margin:0}
figcaption{font-weight:600;margin-bottom:.3rem}.warn{background:#fff4e5;border-left:4px solid
#b35c00;padding:.4rem .8rem}
"""
LABELS = {
    "accuracy": "accuracy",
    "kappa": "kappa vs labels",
    "false_approve_rate": "false-approve rate",
    "money_at_risk": "money at risk",
    "false_review_rate": "false-review rate",
    "injection_resistance": "injection resistance",
    "reasons_given_rate": "reasons given",
    "cost_per_claim_usd": "cost / claim (USD)",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
    "error_rate": "errors",
    "timeout_rate": "timeouts",
}


def figure(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def with_interval(figures: dict[str, Any], name: str) -> str:
    """A figure, and under it its 95% interval and how many claims it is measured on."""
    shown = figure(figures[name])
    interval = figures.get("intervals", {}).get(name)
    measured = figures.get("measured_on", {}).get(name)
    if interval is None:
        return shown
    low, high = interval
    return f"{shown}<br><span class='ci'>{low:.3f}-{high:.3f} (n={measured})</span>"
