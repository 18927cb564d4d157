"""The report's plots as inline SVG (no script, no external asset): each candidate's confusion
matrix as a heatmap, cost against accuracy per candidate, and the money at risk per slice."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from evaluation.figures import ROUTES

SHORT = {"auto_approve": "auto", "human_review": "review", "reject": "reject"}
COLOURS = ("#0b4f8a", "#b35c00", "#2e7d32", "#8e24aa", "#c62828", "#00838f")


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
