"""`claims eval --live`: what the shadow candidates made of real claims, from Postgres.

Per candidate (model and prompt version): how often it routed as production did, and, where a
person decided, how often its recommendation matched the adjuster (approve = approve, reject =
reject, review = a request for information). The disagreements where money was at stake are
listed for review, the largest payable amount first: the candidate would have auto-approved a
claim that production sent to a person or that an adjuster rejected, or the reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import RowMapping

# An adjuster's decision, in the recommendation's terms.
ADJUSTER_AS_RECOMMENDATION = {"approve": "approve", "reject": "reject", "request_info": "review"}
MAX_LISTED = 200


def _rate(count: int, total: int) -> float | None:
    return count / total if total else None


def build(rows: Sequence[RowMapping], *, since: dt.datetime) -> dict[str, Any]:
    candidates: dict[str, list[RowMapping]] = {}
    for row in rows:
        candidates.setdefault(f"{row['model']} @ {row['prompt_version']}", []).append(row)
    report = []
    for name, found in sorted(candidates.items()):
        routed = [r for r in found if r["route"] and r["production_route"]]
        decided = [r for r in found if r["recommendation"] and r["adjuster_outcome"]]
        human_agrees = [
            r
            for r in decided
            if ADJUSTER_AS_RECOMMENDATION.get(r["adjuster_outcome"]) == r["recommendation"]
        ]
        statuses: dict[str, int] = {}
        for r in found:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        report.append(
            {
                "name": name,
                "shadows": len(found),
                "statuses": statuses,
                "agreement_with_production": _rate(
                    sum(r["route"] == r["production_route"] for r in routed), len(routed)
                ),
                "compared_with_production": len(routed),
                "agreement_with_adjusters": _rate(len(human_agrees), len(decided)),
                "compared_with_adjusters": len(decided),
                "cost_usd": str(sum((Decimal(r["cost_usd"] or 0) for r in found), Decimal(0))),
                "money_at_stake": _at_stake(found),
            }
        )
    return {
        "since": since.isoformat(timespec="seconds"),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "candidates": report,
    }


def _at_stake(rows: Sequence[RowMapping]) -> list[dict[str, Any]]:
    """Disagreements that move money: one side pays without a person, the other does not."""
    listed = []
    for r in rows:
        candidate_pays = r["route"] == "auto_approve"
        production_pays = r["production_route"] == "auto_approve"
        adjuster = r["adjuster_outcome"]
        against_production = r["route"] is not None and candidate_pays != production_pays
        against_adjuster = candidate_pays and adjuster in ("reject", "request_info")
        if not (against_production or against_adjuster):
            continue
        listed.append(
            {
                "claim_id": str(r["claim_id"]),
                "round": r["round"],
                "candidate_route": r["route"],
                "production_route": r["production_route"],
                "adjuster": adjuster,
                "payable": str(r["payable_amount"] or Decimal(0)),
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
