"""Every activity the workflow can call is served by exactly one of our workers."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.client import Client

import contracts as c
from activities.assessment import LlmConfig
from workers.claims_worker import build_claims_worker
from workers.llm_worker import build_llm_worker
from workers.versioning import deployment_config

# Every activity name the workflows refer to (contracts/activities.py): the claim's (its
# investigation's turns and tools too), and its shadow assessments' (workflows/shadow.py).
CALLED = {
    c.ADMIT.name,
    c.WRITE_STEPS.name,
    c.ASSESS.name,
    c.AGENT_TURN.name,
    c.RUN_TOOL.name,
    c.READ_DOCUMENTS.name,
    c.PAY.name,
    c.RELEASE.name,
    c.RESERVE_SHADOW.name,
    c.WRITE_SHADOW.name,
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
    # The model's calls, one-shot and turn by turn, on the llm worker alone.
    assert registered(llm) == [c.ASSESS.name, c.AGENT_TURN.name]
