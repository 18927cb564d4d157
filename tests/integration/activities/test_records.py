import datetime as dt
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.records import RecordActivities
from claims.lifecycle import ClaimStatus, ErrorType
from claims.rules import HardRule
from contracts import NotificationInput, StepsInput, SubmissionRecord, TransitionInput
from infra.store import policies
from infra.tables import claim_event, notification
from tests.support.records import committed_claim, count_rows
from tools import samples as f


async def test_record_transition_twice_writes_one_event(engine: AsyncEngine):
    claim_id = await committed_claim(engine)
    records = RecordActivities(engine)
    transition = TransitionInput(
        claim_id=claim_id,
        step=2,
        event_type="paid",
        at=dt.datetime.now(dt.UTC),
        status=ClaimStatus.PAID,
    )
    env = ActivityEnvironment()
    steps = StepsInput(claim_id=claim_id, transitions=[transition])
    await env.run(records.record_steps, steps)
    await env.run(records.record_steps, steps)
    assert await count_rows(engine, claim_event, claim_id) == 2  # submitted + one paid


async def test_notify_twice_queues_one_message(engine: AsyncEngine):
    claim_id = await committed_claim(engine)
    records = RecordActivities(engine)
    message = NotificationInput(claim_id=claim_id, step=5, kind="claim_paid", payload={"a": 1})
    env = ActivityEnvironment()
    steps = StepsInput(claim_id=claim_id, notifications=[message])
    await env.run(records.record_steps, steps)
    await env.run(records.record_steps, steps)
    assert await count_rows(engine, notification, claim_id) == 1


async def test_admit_claim_records_the_submission_once_and_applies_the_rules(
    engine: AsyncEngine,
):
    policy = f.policy()
    async with engine.begin() as conn:
        await policies.upsert(conn=conn, policy=policy)
    records = RecordActivities(engine)
    env = ActivityEnvironment()

    def record(policy_number: str) -> SubmissionRecord:
        claim_id = uuid.uuid4()
        return SubmissionRecord(
            claim_id=claim_id,
            workflow_id=f"claim-{claim_id}",
            submission=f.submission(policy_number),
            submitted_at=dt.datetime.now(dt.UTC),
        )

    admitted = record(policy.policy_number)
    checked = await env.run(records.admit_claim, admitted)
    assert (await env.run(records.admit_claim, admitted)) == checked
    assert checked.policy == policy
    assert checked.check.passed
    assert await count_rows(engine, claim_event, admitted.claim_id) == 1  # one `submitted`
    missing = await env.run(records.admit_claim, record("P-none"))
    assert missing.check.rule is HardRule.POLICY_NOT_FOUND


async def test_a_write_postgres_refuses_is_not_retried_and_does_not_leak_its_data(
    engine: AsyncEngine,
):
    # A NUL can no longer come through the API, but whatever Postgres refuses as data must
    # end the attempt as non-retryable (the claim is parked), not be retried for ever.
    claim_id = await committed_claim(engine)
    transition = TransitionInput(
        claim_id=claim_id,
        step=2,
        event_type="reviewed",
        at=dt.datetime.now(dt.UTC),
        detail={"note": "Jane Doe's secret\u0000"},
    )
    with pytest.raises(ApplicationError) as failed:
        await ActivityEnvironment().run(
            RecordActivities(engine).record_steps,
            StepsInput(claim_id=claim_id, transitions=[transition]),
        )
    assert failed.value.non_retryable
    assert failed.value.type == ErrorType.STEP_FAILED
    assert "Jane" not in str(failed.value)
    assert failed.value.__cause__ is None
    assert await count_rows(engine, claim_event, claim_id) == 1
