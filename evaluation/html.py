"""The evaluation report as one self-contained HTML file: tables and inline SVG plots, no
script, no font or stylesheet from anywhere else, so it opens offline and can be mailed.

Plots: each candidate's confusion matrix as a heatmap, cost against accuracy per candidate,
and the money at risk per slice.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from evaluation.metrics import ROUTES
from evaluation.report import SUMMARY_FIGURES

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;margin:2rem;max-width:80rem}
table{border-collapse:collapse;margin:.6rem 0 1.4rem}th,td{border-bottom:1px solid #ccc;
padding:.3rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
caption{text-align:left;font-weight:600;padding:.3rem 0}h2{margin-top:2rem}
.plots{display:flex;flex-wrap:wrap;gap:2rem}.bad{color:#8a1111;font-weight:600}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
"""
SHORT = {"auto_approve": "auto", "human_review": "review", "reject": "reject"}
COLOURS = ("#0b4f8a", "#b35c00", "#2e7d32", "#8e24aa", "#c62828", "#00838f")
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


def _summary_table(report: dict[str, Any]) -> str:
    head = "".join(f"<th scope='col'>{LABELS[f]}</th>" for f in SUMMARY_FIGURES)
    rows = "".join(
        f"<tr><th scope='row'>{escape(run['name'])}</th>"
        + "".join(f"<td>{figure(run['overall'][f])}</td>" for f in SUMMARY_FIGURES)
        + "</tr>"
        for run in report["runs"]
    )
    return (
        f"<table id='summary'><caption>Summary: {report['claims']} claims</caption>"
        f"<thead><tr><th scope='col'>model @ prompt</th>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _slice_table(run: dict[str, Any]) -> str:
    head = "".join(f"<th scope='col'>{LABELS[f]}</th>" for f in SUMMARY_FIGURES)
    rows = "".join(
        f"<tr><th scope='row'>{escape(name)} ({s['claims']})</th>"
        + "".join(f"<td>{figure(s[f])}</td>" for f in SUMMARY_FIGURES)
        + "</tr>"
        for name, s in run["slices"].items()
    )
    return (
        f"<table><caption>Per slice: {escape(run['name'])}</caption>"
        f"<thead><tr><th scope='col'>slice</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def heatmap(run: dict[str, Any]) -> str:
    """The confusion matrix: rows are labels, columns predictions, darker is more claims."""
    confusion = run["overall"]["confusion"]
    cell, left, top = 70, 60, 40
    most = max((confusion[a][b] for a in ROUTES for b in ROUTES), default=0) or 1
    parts = []
    for i, label in enumerate(ROUTES):
        y = top + i * cell
        parts.append(
            f"<text x='{left - 6}' y='{y + cell / 2 + 4}' text-anchor='end'>{SHORT[label]}</text>"
        )
        for j, predicted in enumerate(ROUTES):
            count = confusion[label][predicted]
            shade = 245 - int(190 * count / most)
            text = "#fff" if shade < 140 else "#1b1b1b"
            x = left + j * cell
            parts.append(
                f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' "
                f"fill='rgb({shade},{shade + 5},255)' stroke='#fff'/>"
                f"<text x='{x + cell / 2}' y='{y + cell / 2 + 5}' text-anchor='middle' "
                f"fill='{text}'>{count}</text>"
            )
    for j, predicted in enumerate(ROUTES):
        parts.append(
            f"<text x='{left + j * cell + cell / 2}' y='{top - 8}' text-anchor='middle' "
            f"font-size='11'>{SHORT[predicted]}</text>"
        )
    size = left + 3 * cell + 10
    return (
        f"<figure><figcaption>Confusion: {escape(run['name'])} (rows: label; columns: "
        f"predicted)</figcaption><svg role='img' aria-label='confusion matrix' "
        f"width='{size}' height='{top + 3 * cell + 10}' font-size='12'>{''.join(parts)}</svg>"
        "</figure>"
    )


def cost_accuracy(report: dict[str, Any]) -> str:
    """Each candidate as a point: cost per claim across, accuracy up."""
    width, height, pad = 420, 260, 50
    runs = report["runs"]
    costs = [float(r["overall"]["cost_per_claim_usd"]) for r in runs]
    top_cost = max(costs, default=0) or 1.0
    parts = [
        f"<line x1='{pad}' y1='{height - pad}' x2='{width - 10}' y2='{height - pad}' "
        "stroke='#555'/>",
        f"<line x1='{pad}' y1='10' x2='{pad}' y2='{height - pad}' stroke='#555'/>",
        f"<text x='{width / 2}' y='{height - 12}' text-anchor='middle'>cost per claim "
        f"(USD, up to {top_cost:.6f})</text>",
        f"<text x='14' y='{height / 2}' transform='rotate(-90 14 {height / 2})' "
        "text-anchor='middle'>accuracy</text>",
    ]
    for i, (run, cost) in enumerate(zip(runs, costs, strict=True)):
        accuracy = run["overall"]["accuracy"] or 0.0
        x = pad + (width - pad - 30) * cost / top_cost
        y = height - pad - (height - pad - 20) * accuracy
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='6' fill='{colour}'/>"
            f"<text x='{x + 9:.1f}' y='{y + 4:.1f}' font-size='11'>{escape(run['name'])} "
            f"({accuracy:.2f})</text>"
        )
    return (
        "<figure><figcaption>Cost against accuracy</figcaption>"
        f"<svg role='img' aria-label='cost against accuracy' width='{width + 200}' "
        f"height='{height}' font-size='12'>{''.join(parts)}</svg></figure>"
    )


def money_at_risk(report: dict[str, Any]) -> str:
    """Bars: the money at risk in each slice, one bar per candidate."""
    runs = report["runs"]
    slices = list(runs[0]["slices"]) if runs else []
    values = [[Decimal(r["slices"][s]["money_at_risk"]) for r in runs] for s in slices]
    top = max((v for row in values for v in row), default=Decimal(0)) or Decimal(1)
    bar, gap, left, width = 14, 10, 130, 360
    parts = []
    y = 10
    for name, row in zip(slices, values, strict=True):
        parts.append(f"<text x='{left - 6}' y='{y + bar}' text-anchor='end'>{escape(name)}</text>")
        for i, value in enumerate(row):
            length = float(value / top) * width
            colour = COLOURS[i % len(COLOURS)]
            parts.append(
                f"<rect x='{left}' y='{y}' width='{length:.1f}' height='{bar}' fill='{colour}'/>"
                f"<text x='{left + length + 4:.1f}' y='{y + bar - 3}' font-size='11'>"
                f"{value:,.2f}</text>"
            )
            y += bar + 2
        y += gap
    legend = " ".join(
        f"<tspan fill='{COLOURS[i % len(COLOURS)]}'>■ {escape(r['name'])}</tspan>"
        for i, r in enumerate(runs)
    )
    parts.append(f"<text x='{left}' y='{y + 12}' font-size='11'>{legend}</text>")
    return (
        "<figure><figcaption>Money at risk per slice (auto-approved against the label)"
        f"</figcaption><svg role='img' aria-label='money at risk per slice' "
        f"width='{left + width + 120}' height='{y + 24}' font-size='12'>{''.join(parts)}</svg>"
        "</figure>"
    )


def _pairs(report: dict[str, Any]) -> str:
    out = []
    for pair in report["pairs"]:
        a, b = pair["first"], pair["second"]
        rows = "".join(
            f"<tr><td>{escape(d['claim'])}</td><td>{escape(d['slice'])}</td>"
            f"<td>{escape(d['label'])}</td><td>{escape(d[a])}</td><td>{escape(d[b])}</td>"
            f"<td>{escape(d['payable'])}</td></tr>"
            for d in pair["disagreements"]
        )
        out.append(
            f"<h3>{escape(a)} against {escape(b)}</h3><p>Agreement "
            f"{figure(pair['agreement'])}, Cohen's kappa {figure(pair['kappa'])}; "
            f"{len(pair['disagreements'])} claims routed differently.</p>"
            f"<table class='disagreements'><thead><tr><th scope='col'>claim</th>"
            f"<th scope='col'>slice</th><th scope='col'>label</th><th scope='col'>"
            f"{escape(a)}</th><th scope='col'>{escape(b)}</th><th scope='col'>payable</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(out)


def render(report: dict[str, Any]) -> str:
    heatmaps = "".join(heatmap(run) for run in report["runs"])
    slices = "".join(_slice_table(run) for run in report["runs"])
    routing = report["routing"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Claims assessment evaluation</title>
<style>{STYLE}</style></head><body><main>
<h1>Claims assessment evaluation</h1>
<p>{report["claims"]} claims from {escape(report["source"])}, {escape(report["generated_at"])}.
Routing: auto-approve up to {escape(routing["auto_approve_limit"])} with confidence at least
{routing["min_confidence"]}.</p>
{_summary_table(report)}
<div class="plots">{heatmaps}{cost_accuracy(report)}{money_at_risk(report)}</div>
<h2>Per slice</h2>{slices}
<h2>Where the candidates disagree</h2>{_pairs(report) or "<p>One candidate only.</p>"}
</main></body></html>
"""


def render_live(report: dict[str, Any]) -> str:
    """The live report: each candidate's agreement, and the disagreements with money at stake."""
    rows = "".join(
        f"<tr><th scope='row'>{escape(c['name'])}</th><td>{c['shadows']}</td>"
        f"<td>{figure(c['agreement_with_production'])} ({c['compared_with_production']})</td>"
        f"<td>{figure(c['agreement_with_adjusters'])} ({c['compared_with_adjusters']})</td>"
        f"<td>{escape(', '.join(f'{k} {v}' for k, v in sorted(c['statuses'].items())))}</td>"
        f"<td>{escape(c['cost_usd'])}</td></tr>"
        for c in report["candidates"]
    )
    stakes = []
    for c in report["candidates"]:
        listed = "".join(
            f"<tr><td>{escape(d['claim_id'])}</td><td>{escape(d['candidate_route'] or '—')}</td>"
            f"<td>{escape(d['production_route'] or '—')}</td>"
            f"<td>{escape(d['adjuster'] or '—')}</td><td>{escape(d['payable'])}</td></tr>"
            for d in c["money_at_stake"]
        )
        stakes.append(
            f"<h2>{escape(c['name'])}: disagreements with money at stake</h2>"
            + (
                "<table><thead><tr><th scope='col'>claim</th><th scope='col'>candidate</th>"
                "<th scope='col'>production</th><th scope='col'>adjuster</th>"
                f"<th scope='col'>payable</th></tr></thead><tbody>{listed}</tbody></table>"
                if listed
                else "<p>None.</p>"
            )
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shadow assessments</title>
<style>{STYLE}</style></head><body><main>
<h1>Shadow assessments since {escape(report["since"])}</h1>
<table id="summary"><caption>Candidates on live claims (compared claims in brackets)</caption>
<thead><tr><th scope="col">candidate</th><th scope="col">shadows</th>
<th scope="col">agrees with production</th><th scope="col">agrees with adjusters</th>
<th scope="col">outcomes</th><th scope="col">cost (USD)</th></tr></thead>
<tbody>{rows}</tbody></table>
{"".join(stakes)}
</main></body></html>
"""
