"""`claims eval --live`: what the shadow candidates made of real claims, from Postgres.

Each shadow is compared with the decisions of its own round (the assessment it shadowed, and
the adjuster's decision that followed that assessment), never with a later round's. Per
candidate (model and prompt version), with 95% Wilson intervals and the number of claims each
figure is measured on:
- `agreement_with_production`: routed as production did;
- `agreement_with_adjusters`: where a person decided, the candidate's recommendation matched
  (approve = approve, reject = reject, review = a request for information);
- `false_approve_rate`: of the shadows whose round a person rejected or sent back for
  information, the share the candidate would have paid without a person.
The disagreements where money was at stake are listed, the largest payable amount first. The
figures have the shape the gate judges (evaluation/gate.py), so `--thresholds` can hold a
candidate to them before it is promoted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from evaluation.figures import wilson
from infra.store.shadows import LiveShadowRow

# An adjuster's decision, in the recommendation's terms.
ADJUSTER_AS_RECOMMENDATION = {"approve": "approve", "reject": "reject", "request_info": "review"}
MAX_LISTED = 200


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def figures(found: Sequence[LiveShadowRow]) -> dict[str, Any]:
    """A candidate's figures on live claims, gate-shaped (with `measured_on`, `intervals`)."""
    routed = [r for r in found if r.route and r.production_route]
    decided = [r for r in found if r.recommendation and r.adjuster_outcome]
    refused = [r for r in found if r.route and r.adjuster_outcome in ("reject", "request_info")]
    counts = {
        "agreement_with_production": (
            sum(r.route == r.production_route for r in routed),
            len(routed),
        ),
        "agreement_with_adjusters": (
            sum(
                ADJUSTER_AS_RECOMMENDATION.get(r.adjuster_outcome or "") == r.recommendation
                for r in decided
            ),
            len(decided),
        ),
        "false_approve_rate": (sum(r.route == "auto_approve" for r in refused), len(refused)),
    }
    shown: dict[str, Any] = {name: _rate(hits, n) for name, (hits, n) in counts.items()}
    shown["cost_usd"] = str(sum((Decimal(r.cost_usd or 0) for r in found), Decimal(0)))
    shown["shadows"] = len(found)
    shown["measured_on"] = {name: n for name, (_, n) in counts.items()} | {"shadows": len(found)}
    shown["intervals"] = {name: wilson(hits, n) for name, (hits, n) in counts.items()}
    return shown


def build(rows: Sequence[LiveShadowRow], *, since: dt.datetime) -> dict[str, Any]:
    candidates: dict[str, list[LiveShadowRow]] = {}
    for row in rows:
        candidates.setdefault(f"{row.model} @ {row.prompt_version}", []).append(row)
    report = []
    for name, found in sorted(candidates.items()):
        statuses: dict[str, int] = {}
        for r in found:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        report.append(
            {
                "name": name,
                "model": found[0].model,
                "statuses": statuses,
                "overall": figures(found),
                "money_at_stake": _at_stake(found),
            }
        )
    return {
        "since": since.isoformat(timespec="seconds"),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "candidates": report,
    }


def _at_stake(rows: Sequence[LiveShadowRow]) -> list[dict[str, Any]]:
    """Disagreements that move money: one side pays without a person, the other does not."""
    listed: list[dict[str, Any]] = []
    for r in rows:
        candidate_pays = r.route == "auto_approve"
        production_pays = r.production_route == "auto_approve"
        adjuster = r.adjuster_outcome
        against_production = (
            r.route is not None
            and r.production_route is not None
            and candidate_pays != production_pays
        )
        against_adjuster = candidate_pays and adjuster in ("reject", "request_info")
        if not (against_production or against_adjuster):
            continue
        listed.append(
            {
                "claim_id": str(r.claim_id),
                "round": r.round,
                "candidate_route": r.route,
                "production_route": r.production_route,
                "adjuster": adjuster,
                "payable": str(r.payable_amount or Decimal(0)),
            }
        )
    listed.sort(key=lambda d: Decimal(d["payable"]), reverse=True)
    return listed[:MAX_LISTED]


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """`7d`, `36h` or `90m` before now."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isdigit() or int(number) <= 0:
        raise ValueError(f"--since takes a duration like 7d, 36h or 90m, not {text!r}")
    return now - dt.timedelta(**{units[unit]: int(number)})
