"""The lifecycle table: every status is recorded by an event, and the sets agree with DESIGN §3."""

import pytest

from claims.lifecycle import (
    CANCELLABLE_STATUSES,
    STATUS_EVENT,
    TERMINAL_STATUSES,
    ClaimStatus,
    EventType,
)


def test_every_status_names_the_event_that_records_it():
    assert set(STATUS_EVENT) == set(ClaimStatus)
    assert all(isinstance(event, EventType) for event in STATUS_EVENT.values())


@pytest.mark.parametrize(
    ("status", "terminal", "cancellable"),
    [
        ("submitted", False, True),
        ("assessing", False, True),
        ("awaiting_review", False, True),
        ("awaiting_info", False, True),
        ("approved", False, True),
        ("paying", False, False),
        ("paid", True, False),
        ("rejected", True, False),
        ("cancelled", True, False),
    ],
)
def test_terminal_and_cancellable_statuses(status, terminal, cancellable):
    claim_status = ClaimStatus(status)
    assert claim_status.is_terminal is terminal
    assert claim_status.is_cancellable is cancellable
    assert (claim_status in TERMINAL_STATUSES, claim_status in CANCELLABLE_STATUSES) == (
        terminal,
        cancellable,
    )
