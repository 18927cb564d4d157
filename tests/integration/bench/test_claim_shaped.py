"""The benchmark's claim-shaped baseline makes the same history as a real auto-approved claim.

`make bench-claims` compares the claims worker with a no-op workflow of the claim's shape, to
tell what the shape costs from what our code adds. That comparison means something only while
the shapes agree: when ClaimWorkflow's commands change (and `make histories` records them), this
fails until bench/workflow.py's ClaimShaped follows.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from bench.workflow import ClaimShaped, noop, noop_local

AUTO_APPROVE = Path(__file__).resolve().parents[2] / "histories" / "auto_approve.json"


def _recorded_event_types() -> list[str]:
    events = json.loads(AUTO_APPROVE.read_text())["events"]
    return [str(event["eventType"]) for event in events]


async def test_claim_shaped_makes_an_auto_approved_claims_history(client: Client) -> None:
    queue = f"claim-shaped-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client, task_queue=queue, workflows=[ClaimShaped], activities=[noop, noop_local]
    ):
        handle = await client.start_workflow(ClaimShaped.run, 7, id=f"{queue}-wf", task_queue=queue)
        assert await handle.result() == 7
        history = await handle.fetch_history()

    shaped = [EventType.Name(event.event_type) for event in history.events]
    assert shaped == _recorded_event_types()
