"""Every activity the workflow can call is served by exactly one of our workers."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.client import Client

from activities import contracts as c
from activities.assessment import LlmConfig
from workers.claims_worker import build_claims_worker
from workers.llm_worker import build_llm_worker
from workers.versioning import deployment_config

# Every activity name the workflows refer to (activities/contracts.py): the claim's, and its
# shadow assessments' (workflows/shadow.py).
CALLED = {
    c.ADMIT_CLAIM,
    c.RECORD_STEPS,
    c.ASSESS_CLAIM,
    c.PAY_CLAIM,
    c.RELEASE_PAYMENT,
    c.SHADOW_WITHIN_BUDGET,
    c.RECORD_SHADOW,
}


def registered(worker) -> list[str]:
    names = []
    for fn in worker.config()["activities"]:
        definition = activity._Definition.from_callable(fn)
        assert definition is not None
        assert definition.name is not None  # no dynamic activities: every one is named
        names.append(definition.name)
    return names


async def test_every_activity_is_registered_on_exactly_one_worker(
    client: Client, engine: AsyncEngine
):
    claims = build_claims_worker(
        client,
        engine=engine,
        task_queue="registration-claims",
        deployment=deployment_config("registration", "test"),
    )
    llm = build_llm_worker(
        client, config=LlmConfig(model="offline/claims-assessor"), task_queue="registration-llm"
    )
    counts = Counter(registered(claims) + registered(llm))
    assert set(counts) == CALLED
    assert [name for name, n in counts.items() if n != 1] == []
    assert registered(llm) == [c.ASSESS_CLAIM]
