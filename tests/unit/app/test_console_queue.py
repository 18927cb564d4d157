"""The console's queue filters and its time-left wording, without a server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.console.pages import time_left
from app.services.review_queue import ADJUSTER_STATES, ADMIN_STATES, BadFilterError, parse

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def test_empty_parameters_are_the_whole_queue() -> None:
    query = parse({}, ADJUSTER_STATES)
    assert query.page == 1
    where = query.store_filter(ADJUSTER_STATES, with_state=True)
    assert list(where.statuses) == ["awaiting_review", "awaiting_info"]
    assert (where.claim_type, where.min_amount, where.escalated, where.reason) == (
        None,
        None,
        None,
        None,
    )


def test_filters_become_the_stores_filter() -> None:
    query = parse(
        {
            "state": "needs_attention",
            "type": "home",
            "min_amount": " 100.5 ",
            "max_amount": "900",
            "escalated": "no",
            "reason": "risk_rules_fired",
            "page": "3",
        },
        ADMIN_STATES,
    )
    where = query.store_filter(ADMIN_STATES, with_state=True)
    assert list(where.statuses) == ["needs_attention"]
    assert where.min_amount == Decimal("100.5")
    assert where.max_amount == Decimal("900")
    assert where.escalated is False
    assert where.reason == "risk_rules_fired"
    assert query.page == 3
    # Counts per state ignore the state filter (they are the tabs).
    assert len(query.store_filter(ADMIN_STATES, with_state=False).statuses) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_amount": "1e400"}, "min_amount"),
        ({"min_amount": "NaN"}, "min_amount"),
        ({"max_amount": "Infinity"}, "max_amount"),
        ({"page": "-1"}, "page"),
        ({"page": "x"}, "page"),
        ({"state": "needs_attention"}, "state"),  # not an adjuster's
        ({"reason": "'; drop table claim; --"}, "reason"),
    ],
)
def test_bad_filters_name_their_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(BadFilterError) as refused:
        parse(params, ADJUSTER_STATES)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("due", "shown"),
    [
        (NOW + dt.timedelta(days=2, hours=3, minutes=5), "2d 3h left"),
        (NOW + dt.timedelta(hours=5, minutes=30), "5h 30m left"),
        (NOW + dt.timedelta(minutes=4, seconds=59), "4m left"),
        (NOW - dt.timedelta(hours=1, minutes=5), "overdue by 1h 5m"),
        (None, "—"),
    ],
)
def test_time_left_reads_like_a_person_would_say_it(due: dt.datetime | None, shown: str) -> None:
    assert time_left(due, NOW) == shown
