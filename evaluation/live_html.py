"""The live report (`claims eval --live`) as one self-contained HTML page: each candidate's
agreement on live claims with its interval, and the disagreements with money at stake."""

from __future__ import annotations

from html import escape
from typing import Any

from evaluation.page import STYLE, figure, with_interval

LIVE_FIGURES = {
    "agreement_with_production": "agrees with production",
    "agreement_with_adjusters": "agrees with adjusters",
    "false_approve_rate": "would pay what a person refused",
}


def _stakes(candidate: dict[str, Any]) -> str:
    listed = "".join(
        f"<tr><td>{escape(d['claim_id'])}</td><td>{d['round']}</td>"
        f"<td>{escape(d['candidate_route'] or '—')}</td>"
        f"<td>{escape(d['production_route'] or '—')}</td>"
        f"<td>{escape(d['adjuster'] or '—')}</td><td>{escape(d['payable'])}</td></tr>"
        for d in candidate["money_at_stake"]
    )
    table = (
        "<table><thead><tr><th scope='col'>claim</th><th scope='col'>round</th>"
        "<th scope='col'>candidate</th><th scope='col'>production</th>"
        "<th scope='col'>adjuster</th><th scope='col'>payable</th></tr></thead>"
        f"<tbody>{listed}</tbody></table>"
    )
    return f"<h2>{escape(candidate['name'])}: disagreements with money at stake</h2>" + (
        table if listed else "<p>None.</p>"
    )


def render_live(report: dict[str, Any]) -> str:
    head = "".join(f"<th scope='col'>{label}</th>" for label in LIVE_FIGURES.values())
    rows = "".join(
        f"<tr><th scope='row'>{escape(c['name'])}</th><td>{c['overall']['shadows']}</td>"
        + "".join(f"<td>{with_interval(c['overall'], name)}</td>" for name in LIVE_FIGURES)
        + f"<td>{escape(', '.join(f'{k} {v}' for k, v in sorted(c['statuses'].items())))}</td>"
        f"<td>{figure(c['overall']['cost_usd'])}</td></tr>"
        for c in report["candidates"]
    )
    gate = report.get("gate")
    verdict = ""
    if gate is not None:
        misses = "".join(f"<li>{escape(m)}</li>" for m in gate["misses"])
        verdict = f"<h2>Gate ({escape(gate['thresholds'])})</h2>" + (
            f"<ul class='bad'>{misses}</ul>" if misses else "<p>Every threshold met.</p>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shadow assessments</title>
<style>{STYLE}</style></head><body><main>
<h1>Shadow assessments since {escape(report["since"])}</h1>
<p>Each shadow is compared with the decisions of its own assessment round.</p>
<table id="summary"><caption>Candidates on live claims (95% Wilson intervals, claims
compared)</caption><thead><tr><th scope="col">candidate</th><th scope="col">shadows</th>
{head}<th scope="col">outcomes</th><th scope="col">cost (USD)</th></tr></thead>
<tbody>{rows}</tbody></table>
{verdict}{"".join(_stakes(c) for c in report["candidates"])}
</main></body></html>
"""
