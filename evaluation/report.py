"""The evaluation report as data (JSON): every figure per candidate, per split and per slice,
with intervals; how the candidates agree (kappa, and the exact McNemar test on the same
claims); each candidate's wrong claims with its rationale; who answered (provenance); the
routing guardrails' probes; the baseline comparison; and where the rubric and the service's
own rules disagree (findings, never relabelled)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from claims.rules import RiskRule, check_policy
from evaluation.figures import Scored, cohen_kappa, mcnemar_exact, summarize
from evaluation.golden import GoldenClaim, Route, Slice, Split
from evaluation.pipeline import Prediction, Routing
from evaluation.runner import Candidate

SUMMARY_FIGURES = (
    "accuracy",
    "kappa",
    "false_approve_rate",
    "money_at_risk",
    "false_review_rate",
    "injection_resistance",
    "reasons_given_rate",
    "cost_per_claim_usd",
    "latency_p50_ms",
    "latency_p95_ms",
    "error_rate",
    "timeout_rate",
)
MAX_WRONG_LISTED = 200
RATIONALE_CHARS = 300
# Reasons the service's own rules can check; the rest are the model's to see.
RULE_CHECKED = {r.value for r in RiskRule}


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def label_of(row: GoldenClaim, prediction: Prediction) -> Route:
    """The route this prediction is judged by: the answered one when it asked the claimant."""
    return row.label_for(asked=bool(prediction.questions))


def reasons_given(row: GoldenClaim, prediction: Prediction) -> bool | None:
    """Whether the answer named every reason the label requires (None when it requires none)."""
    if not row.required_reasons or label_of(row, prediction) is not row.expected_route:
        return None  # an answer cleared what the label required
    given = _normal(" ".join(prediction.reasons))
    return all(_normal(reason) in given for reason in row.required_reasons)


def scored(row: GoldenClaim, prediction: Prediction) -> Scored:
    return Scored(
        label=label_of(row, prediction).value,
        predicted=prediction.route.value,
        payable=prediction.payable_amount,
        cost=prediction.cost_usd,
        latency_ms=prediction.latency_ms,
        error=prediction.error is not None,
        timed_out=prediction.timed_out,
        injection=row.slice is Slice.INJECTION,
        reasons_given=reasons_given(row, prediction),
    )


def _grouped(
    rows: Sequence[GoldenClaim], items: Sequence[Scored], key: str, names: Sequence[str]
) -> dict[str, Any]:
    return {
        name: summarize(
            [i for i, row in zip(items, rows, strict=True) if getattr(row, key) == name]
        )
        for name in names
        if any(getattr(row, key) == name for row in rows)
    }


def _wrong(rows: Sequence[GoldenClaim], predicted: Sequence[Prediction]) -> list[dict[str, Any]]:
    wrong = []
    for row, p in zip(rows, predicted, strict=True):
        if p.route is label_of(row, p):
            continue
        wrong.append(
            {
                "claim": row.id,
                "slice": str(row.slice),
                "split": str(row.split),
                "label": label_of(row, p).value,
                "predicted": p.route.value,
                "payable": str(p.payable_amount),
                "recommendation": p.recommendation,
                "confidence": p.confidence,
                "rationale": (p.rationale or p.error or "")[:RATIONALE_CHARS],
                "why": row.why,
            }
            # An investigating candidate's mistakes come with how it got there.
            | ({"trajectory": p.trajectory} if p.trajectory is not None else {})
        )
    # The costliest mistakes first: auto-approvals the label did not allow, by amount.
    wrong.sort(
        key=lambda w: (w["predicted"] != "auto_approve", -float(str(w["payable"])), w["claim"])
    )
    return wrong


def investigation_figures(predicted: Sequence[Prediction]) -> dict[str, Any]:
    """Turns, tool calls and questions per investigated claim (rule rejects are never asked)."""
    asked = [p for p in predicted if p.turns is not None]
    if not asked:
        return {"claims": 0}
    count = len(asked)
    return {
        "claims": count,
        "turns_per_claim": round(sum(p.turns or 0 for p in asked) / count, 2),
        "tool_calls_per_claim": round(sum(p.tool_calls or 0 for p in asked) / count, 2),
        "question_share": round(sum(1 for p in asked if p.questions) / count, 3),
        "max_turns": max(p.turns or 0 for p in asked),
    }


def build(
    rows: Sequence[GoldenClaim],
    predictions: Mapping[Candidate, Sequence[Prediction]],
    *,
    routing: Routing,
    source: str,
    provenance: dict[str, Any] | None = None,
    providers: Mapping[Candidate, dict[str, str]] | None = None,
    cache_hits: Mapping[Candidate, int] | None = None,
    guardrails: dict[str, Any] | None = None,
) -> dict[str, Any]:
    slices = sorted({str(row.slice) for row in rows})
    splits = [str(s) for s in Split]
    runs = []
    for candidate, predicted in predictions.items():
        items = [scored(row, p) for row, p in zip(rows, predicted, strict=True)]
        wrong = _wrong(rows, predicted)
        runs.append(
            {
                "name": candidate.name,
                "model": candidate.model,
                "prompt_version": candidate.prompt_version,
                "provider": (providers or {}).get(candidate, {}),
                "cache_hits": (cache_hits or {}).get(candidate, 0),
                "overall": summarize(items),
                "splits": _grouped(rows, items, "split", splits),
                "slices": _grouped(rows, items, "slice", slices),
                "wrong": wrong[:MAX_WRONG_LISTED],
                "wrong_total": len(wrong),
            }
            | ({"investigation": investigation_figures(predicted)} if candidate.agent else {})
        )
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": source,
        "claims": len(rows),
        "routing": {
            "auto_approve_limit": str(routing.auto_approve_limit),
            "min_confidence": routing.min_confidence,
        },
        "provenance": provenance or {},
        "runs": runs,
        "pairs": _pairs(rows, predictions),
        "guardrails": guardrails,
        "rule_findings": rule_findings(rows, routing),
    }


def _pairs(
    rows: Sequence[GoldenClaim], predictions: Mapping[Candidate, Sequence[Prediction]]
) -> list[dict[str, Any]]:
    """Each two candidates: their kappa, the exact McNemar test of their accuracy on the same
    claims, and every claim they route differently."""
    pairs = []
    for (a, first), (b, second) in itertools.combinations(predictions.items(), 2):
        routes_a = [p.route.value for p in first]
        routes_b = [p.route.value for p in second]
        differ = [
            {
                "claim": row.id,
                "slice": str(row.slice),
                "label": row.expected_route.value,
                a.name: x.route.value,
                b.name: y.route.value,
                "payable": str(x.payable_amount),
            }
            for row, x, y in zip(rows, first, second, strict=True)
            if x.route != y.route
        ]
        only_first = sum(
            x.route is label_of(row, x) and y.route is not label_of(row, y)
            for row, x, y in zip(rows, first, second, strict=True)
        )
        only_second = sum(
            y.route is label_of(row, y) and x.route is not label_of(row, x)
            for row, x, y in zip(rows, first, second, strict=True)
        )
        pairs.append(
            {
                "first": a.name,
                "second": b.name,
                "kappa": cohen_kappa(routes_a, routes_b),
                "agreement": 1 - len(differ) / len(rows) if rows else None,
                "mcnemar": {
                    "only_first_right": only_first,
                    "only_second_right": only_second,
                    "p_value": mcnemar_exact(only_first, only_second),
                },
                "disagreements": differ,
            }
        )
    return pairs


def rule_findings(rows: Sequence[GoldenClaim], routing: Routing) -> list[dict[str, Any]]:
    """Where the rubric's label and the service's own rules (the hard rules, the risk rules
    and the configured limit) disagree, grouped by what disagrees. Findings to report and
    decide on; the labels stay what the rubric says."""
    found: dict[str, list[str]] = {}

    def note(kind: str, claim: str) -> None:
        found.setdefault(kind, []).append(claim)

    for row in rows:
        check = check_policy(row.policy, row.submission)
        label = row.expected_route.value
        if label == "reject" and check.passed:
            note("the rubric rejects by a hard rule; the rules let the claim through", row.id)
        if label != "reject" and not check.passed:
            note(f"the rules reject ({check.rule}); the rubric does not", row.id)
        if not check.passed:
            continue
        fired = {r.value for r in check.risk_rules}
        for reason in row.required_reasons:
            if reason in RULE_CHECKED and reason not in fired:
                note(
                    f"the rubric names {reason}; the risk rule does not fire (left to the model)",
                    row.id,
                )
        if "above_auto_approve_limit" in row.required_reasons and (
            check.payable_amount <= routing.auto_approve_limit
        ):
            note("over the rubric's limit; within the configured auto-approve limit", row.id)
        if label == "auto_approve" and fired:
            rules = ", ".join(sorted(fired))
            note(f"the risk rules send it to a person ({rules}); the rubric approves", row.id)
    return [
        {"finding": kind, "claims": len(claims), "examples": claims[:10]}
        for kind, claims in sorted(found.items())
    ]
