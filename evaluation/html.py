"""The evaluation report as one self-contained HTML file: tables and inline SVG plots, no
script, no font or stylesheet from anywhere else, so it opens offline and can be mailed.

It says who answered before what they scored (providers, fake and offline ones marked), gives
every rate with its 95% interval, compares candidates with the exact McNemar test, lists the
gated model's wrong claims with its rationale, and shows the guardrail probes, the baseline
comparison and where the rubric and the service's rules disagree.
"""

from __future__ import annotations

from html import escape
from typing import Any

from evaluation.live_html import render_live
from evaluation.page import LABELS, STYLE, figure, with_interval
from evaluation.plots import cost_accuracy, heatmap, money_at_risk
from evaluation.report import SUMMARY_FIGURES

__all__ = ["figure", "render", "render_live"]


def _figures_table(
    caption: str, first: str, rows: list[tuple[str, dict[str, Any]]], table_id: str = ""
) -> str:
    head = "".join(f"<th scope='col'>{LABELS[f]}</th>" for f in SUMMARY_FIGURES)
    body = "".join(
        f"<tr><th scope='row'>{escape(name)}</th>"
        + "".join(f"<td>{with_interval(figures, f)}</td>" for f in SUMMARY_FIGURES)
        + "</tr>"
        for name, figures in rows
    )
    return (
        f"<table{f' id={table_id!r}' if table_id else ''}><caption>{escape(caption)}</caption>"
        f"<thead><tr><th scope='col'>{escape(first)}</th>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _summary_table(report: dict[str, Any]) -> str:
    rows = [(run["name"], run["overall"]) for run in report["runs"]]
    caption = f"Summary: {report['claims']} claims (95% Wilson intervals under each rate)"
    return _figures_table(caption, "model @ prompt", rows, "summary")


def _investigations(report: dict[str, Any]) -> str:
    """The investigating candidates' turns, tool calls and questions per claim."""
    rows = "".join(
        f"<tr><th scope='row'>{escape(run['name'])}</th>"
        f"<td>{f.get('claims', 0)}</td><td>{f.get('turns_per_claim', '—')}</td>"
        f"<td>{f.get('tool_calls_per_claim', '—')}</td><td>{f.get('max_turns', '—')}</td>"
        f"<td>{f.get('question_share', '—')}</td></tr>"
        for run in report["runs"]
        if (f := run.get("investigation")) is not None
    )
    if not rows:
        return ""
    return (
        "<table id='investigations'><caption>Investigating candidates (per investigated "
        "claim; a wrong answer's trajectory is in report.json)</caption><thead><tr>"
        "<th scope='col'>candidate</th><th scope='col'>claims investigated</th>"
        "<th scope='col'>turns</th><th scope='col'>tool calls</th><th scope='col'>most turns"
        "</th><th scope='col'>share asked the claimant</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _providers(report: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{escape(run['name'])}</th>"
        f"<td class='text'>{escape(run['provider'].get('kind', '?'))}</td>"
        f"<td class='text'>{escape(run['provider'].get('where', '?'))}</td>"
        f"<td class='text {'bad' if run['provider'].get('kind') == 'fake' else ''}'>"
        f"{escape(run['provider'].get('note', ''))}</td><td>{run.get('cache_hits', 0)}</td></tr>"
        for run in report["runs"]
    )
    p = report.get("provenance", {})
    return (
        "<table id='providers'><caption>Who answered</caption><thead><tr><th scope='col'>"
        "candidate</th><th scope='col'>provider</th><th scope='col' class='text'>where</th>"
        "<th scope='col' class='text'>note</th><th scope='col'>answers from cache</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><p>Dataset {escape(p.get('dataset', '?'))} (sha256 "
        f"<code>{escape(p.get('dataset_sha256', '?')[:16])}</code>, {p.get('rows_run', '?')} "
        f"claims run); commit <code>{escape(p.get('git_commit', '?'))}</code>; assessment "
        f"code <code>{escape(p.get('code_digest', '?'))}</code>; gated: "
        f"{escape(p.get('gated', '?'))}.</p>"
    )


def _groups_table(run: dict[str, Any], key: str, title: str) -> str:
    rows = [(f"{name} ({g['claims']})", g) for name, g in run[key].items()]
    return _figures_table(f"{title}: {run['name']}", key[:-1], rows)


def _pairs(report: dict[str, Any]) -> str:
    out = []
    for pair in report["pairs"]:
        a, b = pair["first"], pair["second"]
        test = pair["mcnemar"]
        rows = "".join(
            f"<tr><td>{escape(d['claim'])}</td><td>{escape(d['slice'])}</td>"
            f"<td>{escape(d['label'])}</td><td>{escape(d[a])}</td><td>{escape(d[b])}</td>"
            f"<td>{escape(d['payable'])}</td></tr>"
            for d in pair["disagreements"]
        )
        out.append(
            f"<h3>{escape(a)} against {escape(b)}</h3><p>Agreement "
            f"{figure(pair['agreement'])}, Cohen's kappa {figure(pair['kappa'])}; "
            f"{len(pair['disagreements'])} claims routed differently. Exact McNemar test on "
            f"the same claims: {test['only_first_right']} right only for the first, "
            f"{test['only_second_right']} only for the second, p = {test['p_value']:.4f}"
            f"{' (a real difference at 5%)' if test['p_value'] < 0.05 else ''}.</p>"
            f"<table class='disagreements'><thead><tr><th scope='col'>claim</th>"
            f"<th scope='col'>slice</th><th scope='col'>label</th><th scope='col'>"
            f"{escape(a)}</th><th scope='col'>{escape(b)}</th><th scope='col'>payable</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(out)


def _wrong(run: dict[str, Any]) -> str:
    def paid(w: dict[str, Any]) -> str:
        return "bad" if w["predicted"] == "auto_approve" else ""

    rows = "".join(
        f"<tr><td>{escape(w['claim'])}</td><td>{escape(w['split'])}</td>"
        f"<td>{escape(w['label'])}</td><td class='{paid(w)}'>"
        f"{escape(w['predicted'])}</td><td>{escape(w['payable'])}</td>"
        f"<td>{figure(w['confidence'])}</td><td class='text'>{escape(w['rationale'])}</td>"
        f"<td class='text'>{escape(w['why'])}</td></tr>"
        for w in run["wrong"]
    )
    shown = len(run["wrong"])
    more = f" (the first {shown})" if run["wrong_total"] > shown else ""
    return (
        f"<h3>{escape(run['name'])}: {run['wrong_total']} wrong claims{more}</h3>"
        "<table class='wrong'><thead><tr><th scope='col'>claim</th><th scope='col'>split</th>"
        "<th scope='col'>label</th><th scope='col'>routed</th><th scope='col'>payable</th>"
        "<th scope='col'>confidence</th><th scope='col' class='text'>the model's rationale</th>"
        f"<th scope='col' class='text'>the rubric</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _guardrails(report: dict[str, Any]) -> str:
    g = report.get("guardrails")
    if not g:
        return "<p>Not probed.</p>"
    sent = ", ".join(f"{name} {n}" for name, n in g["sent"].items())
    listed = "".join(
        f"<li>{escape(b['claim'])}: {escape(b['probe'])} (payable {escape(b['payable'])})</li>"
        for b in g["listed"]
    )
    verdict = (
        "<p class='bad'>Breached: the routing auto-approved adversarial answers.</p>"
        f"<ul>{listed}</ul>"
        if g["breaches"]
        else "<p>Every adversarial answer met a person.</p>"
    )
    return f"<p>Stub answers routed: {escape(sent)}; breaches: {g['breaches']}.</p>{verdict}"


def _baseline(report: dict[str, Any]) -> str:
    b = report.get("baseline")
    if not b:
        return "<p>No baseline compared.</p>"
    misses = "".join(f"<li>{escape(m)}</li>" for m in b["misses"])
    return f"<p>Against {escape(b['path'])}: {len(b['moved'])} claims changed route.</p>" + (
        f"<ul class='bad'>{misses}</ul>" if misses else ""
    )


def _findings(report: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td class='text'>{escape(f['finding'])}</td><td>{f['claims']}</td>"
        f"<td class='text'>{escape(', '.join(f['examples']))}</td></tr>"
        for f in report.get("rule_findings", [])
    )
    if not rows:
        return "<p>The rubric and the service's rules agree on every claim.</p>"
    return (
        "<p>Claims where the rubric (what the insurer wants) and the service's own rules "
        "disagree. Labels are never changed to match the code: each line is a decision for "
        "the team.</p><table><thead><tr><th scope='col' class='text'>finding</th>"
        "<th scope='col'>claims</th><th scope='col' class='text'>examples</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render(report: dict[str, Any]) -> str:
    runs = report["runs"]
    fakes = [r["name"] for r in runs if r["provider"].get("kind") == "fake"]
    warning = (
        f"<p class='warn'>{escape(', '.join(fakes))}: answered by our fake test server, not "
        "by the named models. Their figures show the evaluation working, nothing about "
        "those models.</p>"
        if fakes
        else ""
    )
    gated = report.get("provenance", {}).get("gated")
    wrong = "".join(_wrong(r) for r in runs if r["name"] == gated) or "".join(map(_wrong, runs))
    routing = report["routing"]
    splits = "".join(_groups_table(r, "splits", "Per split") for r in runs)
    slices = "".join(_groups_table(r, "slices", "Per slice") for r in runs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Claims assessment evaluation</title>
<style>{STYLE}</style></head><body><main>
<h1>Claims assessment evaluation</h1>
<p>{report["claims"]} claims from {escape(report["source"])}, {escape(report["generated_at"])}.
Routing: auto-approve up to {escape(routing["auto_approve_limit"])} with confidence at least
{routing["min_confidence"]}.</p>
{warning}{_providers(report)}
{_summary_table(report)}
{_investigations(report)}
<div class="plots">{"".join(heatmap(run) for run in runs)}{cost_accuracy(report)}
{money_at_risk(report)}</div>
<h2>Held out and development claims</h2>{splits}
<h2>Per slice</h2>{slices}
<h2>Wrong claims of the gated model</h2>{wrong}
<h2>Routing guardrails</h2>{_guardrails(report)}
<h2>Baseline</h2>{_baseline(report)}
<h2>Where the rubric and the rules disagree</h2>{_findings(report)}
<h2>Where the candidates disagree</h2>{_pairs(report) or "<p>One candidate only.</p>"}
</main></body></html>
"""
