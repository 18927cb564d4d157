"""What one delivery attempt's failure leads to: dead at once, or tried again later."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.delivery import (
    UNRESOLVABLE_AFTER_ATTEMPTS,
    Pacing,
    Verdict,
    after_failure,
    http_failure_is_permanent,
    retry_delay_s,
    smtp_failure_is_permanent,
    unresolvable_for_good,
)

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
PACING = Pacing(first_retry_s=1.0, max_retry_s=60.0, retry_period_s=3_600.0)


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (404, True), (410, True), (408, False), (429, False), (500, False), (503, False)],
)
def test_a_4xx_other_than_408_and_429_is_the_receivers_final_word(status, permanent):
    assert http_failure_is_permanent(status) is permanent


@pytest.mark.parametrize(
    ("code", "permanent"), [(550, True), (553, True), (421, False), (451, False)]
)
def test_smtp_5xx_is_permanent_and_4xx_asks_again_later(code, permanent):
    assert smtp_failure_is_permanent(code) is permanent


def test_the_wait_doubles_from_the_first_retry_up_to_the_cap():
    assert [retry_delay_s(n, PACING) for n in (1, 2, 3, 4, 7, 8, 500)] == [
        1.0,
        2.0,
        4.0,
        8.0,
        60.0,
        60.0,
        60.0,
    ]


def test_a_permanent_failure_is_dead_at_once_with_its_reason():
    outcome = after_failure(
        error="HTTP 410", permanent=True, attempts=1, now=NOW, period_started_at=NOW, pacing=PACING
    )
    assert (outcome.verdict, outcome.error, outcome.next_attempt_at) == (
        Verdict.DEAD,
        "HTTP 410",
        None,
    )


def test_a_transient_failure_is_scheduled_and_dies_only_when_the_period_is_over():
    retry = after_failure(
        error="HTTP 503", permanent=False, attempts=3, now=NOW, period_started_at=NOW, pacing=PACING
    )
    assert retry.verdict is Verdict.RETRY
    assert retry.next_attempt_at == NOW + dt.timedelta(seconds=4)
    late = NOW + dt.timedelta(seconds=3_599)
    over = after_failure(
        error="HTTP 503",
        permanent=False,
        attempts=9,
        now=late,
        period_started_at=NOW,
        pacing=PACING,
    )
    assert (over.verdict, over.error) == (Verdict.DEAD, "HTTP 503 (retry period over)")


def test_a_host_is_taken_as_gone_only_after_failing_to_resolve_several_times_in_a_row():
    error = "url host does not resolve"
    last = UNRESOLVABLE_AFTER_ATTEMPTS - 1  # attempts before the one that makes the streak
    assert unresolvable_for_good(attempts_before=last, last_error=error, error=error)
    # One lookup short of the streak, a first failure, or a streak broken by another error.
    assert not unresolvable_for_good(attempts_before=last - 1, last_error=error, error=error)
    assert not unresolvable_for_good(attempts_before=0, last_error=None, error=error)
    assert not unresolvable_for_good(attempts_before=last, last_error="HTTP 503", error=error)
