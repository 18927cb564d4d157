"""`make bench-steps` replays an auto-approved claim's recorded activity inputs: they must still
be what the activities take, and be one whole auto-approved claim."""

from __future__ import annotations

import contracts as c
from bench.db_steps import INPUTS, RECORDED_CLAIM, recorded_steps
from claims.lifecycle import ClaimStatus


def test_every_recorded_input_is_its_activitys_contract() -> None:
    for activity, body in recorded_steps():
        request = INPUTS[activity].model_validate_json(body)
        assert request.model_dump(mode="json")["claim_id"] == RECORDED_CLAIM


def test_the_recorded_steps_take_a_claim_from_submission_to_paid() -> None:
    activities = [activity for activity, _ in recorded_steps()]
    assert activities == ["admit", "steps", "steps", "steps", "pay", "steps"]
    written = [
        c.StepsInput.model_validate_json(body)
        for activity, body in recorded_steps()
        if activity == "steps"
    ]
    statuses = [t.status for batch in written for t in batch.transitions if t.status is not None]
    assert statuses[0] is ClaimStatus.ASSESSING
    assert statuses[-1] is ClaimStatus.PAID
    steps = [t.step for batch in written for t in batch.transitions]
    steps += [n.step for batch in written for n in batch.notifications]
    assert sorted(steps) == list(range(2, 2 + len(steps)))
