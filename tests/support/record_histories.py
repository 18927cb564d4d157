"""Record ClaimWorkflow histories for the replay test (tests/integration/workflows/test_replay.py).

    make histories

Runs each scenario on a real Temporal dev server with real workers and Postgres, and writes its
history to tests/histories/<scenario>.json. Refresh them only on purpose: after a change that is
meant to alter the workflow's commands, once that change is guarded (workflow.patched) so the
old histories still replay. Commit the new files beside the old ones you keep.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.services.submission import claim_id_for
from claims.lifecycle import EventType
from claims.models import Claimant
from infra.db import create_engine
from infra.migrate import upgrade
from infra.settings import Settings
from tests.support import faults
from tests.support.api import (
    ADMIN,
    TERMINAL,
    add_document,
    api_client,
    cancel,
    create_policy,
    review,
    submit,
    wait_for_claim,
)
from tests.support.stack import running_stack, stack_settings
from tools import samples as f
from tools.keys import HISTORIES_RING
from tools.servers import postgres_server, temporal_environment

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
THEFT = f.RED_FLAG_DESCRIPTION

Scenario = Callable[[httpx.AsyncClient, AsyncEngine], Awaitable[str]]


async def auto_approve(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    claim_id = (await submit(http, await create_policy(http)))["claim_id"]
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def review_partial_approval(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    claim_id = (await submit(http, await create_policy(http), description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    await review(http, claim_id, decision="approve", approved_amount="500.00", note="partial")
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def review_reject(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    claim_id = (await submit(http, await create_policy(http), description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    await review(http, claim_id, decision="reject", note="no proof")
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def reject_by_rule(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    number = await create_policy(http, coverages=["home"])
    claim_id = (await submit(http, number, claim_type="auto"))["claim_id"]
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def cancel_in_review(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    claim_id = (await submit(http, await create_policy(http), description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    await cancel(http, claim_id, reason="withdrawn")
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def request_info(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    claim_id = (await submit(http, await create_policy(http), description=THEFT))["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    await review(
        http, claim_id, decision="request_info", message_to_claimant="police report please"
    )
    await add_document(http, claim_id, "Police report 2026-7 filed at the station.")
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def parked_then_retried(http: httpx.AsyncClient, engine: AsyncEngine) -> str:
    key = uuid.uuid4().hex
    claim_id = claim_id_for(Settings().dev_submitter, key)
    async with faults.refuse_event(engine, claim_id, EventType.APPROVED) as fault:
        await submit(http, await create_policy(http), headers={"Idempotency-Key": key})
        await wait_for_claim(http, claim_id, {"needs_attention"})
        await fault.fix()
        retried = await http.post(f"/v1/claims/{claim_id}/retry", headers=ADMIN)
        assert retried.status_code == 200, retried.text
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


async def investigation(http: httpx.AsyncClient, _: AsyncEngine) -> str:
    """The offline agent looks up earlier claims, asks for the police report, waits, reads the
    report it is sent and recommends (a claimant and a day of its own: no duplicate)."""
    claimant = Claimant(name="Ivy", email=f"ivy-{uuid.uuid4().hex}@example.com")
    claim_id = (
        await submit(
            http,
            await create_policy(http),
            description=THEFT,
            claimant=claimant,
            incident_date="2026-05-04",
        )
    )["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_info"})
    await add_document(http, claim_id, "Police report 2026-8 filed at the station.")
    await wait_for_claim(http, claim_id, TERMINAL)
    return str(claim_id)


SCENARIOS: dict[str, Scenario] = {
    "auto_approve": auto_approve,
    "review_partial_approval": review_partial_approval,
    "review_reject": review_reject,
    "reject_by_rule": reject_by_rule,
    "cancel_in_review": cancel_in_review,
    "request_info": request_info,
    "parked_then_retried": parked_then_retried,
    "investigation": investigation,
}
# Recorded on a claims worker that investigates (CLAIMS_AGENT_ENABLED); the others on one that
# assesses once, as they were first recorded.
INVESTIGATING = frozenset({"investigation"})


async def _history_json(client: Client, claim_id: str) -> str:
    """The first run's history (a claim that continued as new has more runs; the first suffices)."""
    handle = client.get_workflow_handle(f"claim-{claim_id}")
    description = await handle.describe()
    first = client.get_workflow_handle(
        handle.id,
        run_id=description.raw_description.workflow_execution_info.first_run_id
        or description.run_id,
    )
    history = await first.fetch_history()
    return json.dumps(json.loads(history.to_json()), indent=1, sort_keys=True) + "\n"


async def _record_on(
    client: Client, engine: AsyncEngine, settings: Settings, names: list[str]
) -> None:
    async with running_stack(client, engine, settings), api_client(settings, client) as http:
        for name in names:
            claim_id = await SCENARIOS[name](http, engine)
            path = HISTORIES / f"{name}.json"
            path.write_text(await _history_json(client, claim_id))
            print(f"recorded {path.relative_to(HISTORIES.parent.parent)}")


async def record(only: list[str]) -> None:
    HISTORIES.mkdir(exist_ok=True)
    env = await temporal_environment(HISTORIES_RING)
    try:
        async with postgres_server() as url:
            await asyncio.to_thread(upgrade, url)
            engine = create_engine(url)
            for agent in (False, True):
                wanted = [
                    name
                    for name in SCENARIOS
                    if (not only or name in only) and (name in INVESTIGATING) == agent
                ]
                if wanted:
                    await _record_on(
                        env.client, engine, stack_settings(url, agent_enabled=agent), wanted
                    )
            await engine.dispose()
    finally:
        await env.shutdown()


if __name__ == "__main__":
    # `python -m tests.support.record_histories NAME…` records only those scenarios, keeping
    # the histories older code recorded (they are what proves compatibility).
    asyncio.run(record(sys.argv[1:]))
