"""`claims dev` as a user runs it: real child processes, real ports, real signals."""

import asyncio
import signal
from pathlib import Path

import psutil
import pytest
from temporalio.client import Client

from tests.support import factories as f
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, TERMINAL, wait_for_claim
from tests.support.devstack import DevStackProcess

pytestmark = pytest.mark.slow


async def test_dev_stack_runs_claims_end_to_end_and_survives_sigkill(tmp_path: Path):
    stack = DevStackProcess(tmp_path / "data")
    stack.start()
    try:
        await stack.wait_until_up()
        banner = stack.output()
        assert f"http://127.0.0.1:{stack.api_port}/docs" in banner
        assert f"http://127.0.0.1:{stack.ui_port}" in banner
        assert "dev-adjuster-key" in banner
        async with stack.http() as http:
            policy = f.policy()
            created = await http.post(
                "/v1/policies", headers=ADMIN, json=policy.model_dump(mode="json")
            )
            assert created.status_code == 201
            auto = await http.post(
                "/v1/claims", headers=SUBMITTER, json=f.submission_json(policy.policy_number)
            )
            flagged = await http.post(
                "/v1/claims",
                headers=SUBMITTER,
                json=f.submission_json(policy.policy_number, description=f.RED_FLAG_DESCRIPTION),
            )
            auto_id, flagged_id = auto.json()["claim_id"], flagged.json()["claim_id"]
            assert (await wait_for_claim(http, auto_id, TERMINAL))["status"] == "paid"
            await wait_for_claim(http, flagged_id, {"awaiting_review"})

        # Crash everything at once, Temporal and Postgres included, with a claim in flight.
        stack.kill_group()
        stack.mark_restart()
        stack.start()
        await stack.wait_until_up()
        async with stack.http() as http:
            still_waiting = await wait_for_claim(http, flagged_id, {"awaiting_review"})
            assert still_waiting["events"][-1]["type"] == "review_requested"
            reviewed = await http.post(
                f"/v1/claims/{flagged_id}/review", headers=ADJUSTER, json={"decision": "approve"}
            )
            assert reviewed.status_code == 200, reviewed.text
            paid = await wait_for_claim(http, flagged_id, TERMINAL)
            assert paid["status"] == "paid"
            assert [e["type"] for e in paid["events"]].count("paid") == 1

        # Operators find both claims by their search attributes.
        temporal = await Client.connect(stack.temporal_target)
        query = f"PolicyNumber = '{policy.policy_number}' AND ClaimStatus = 'paid'"
        async with asyncio.timeout(30):
            while True:
                found = {w.id async for w in temporal.list_workflows(query)}
                if found == {f"claim-{auto_id}", f"claim-{flagged_id}"}:
                    break
                await asyncio.sleep(0.5)

        assert await stack.stop(signal.SIGTERM) == 0
        assert stack.group_alive() == []
    finally:
        if stack.process and stack.process.poll() is None:
            stack.kill_group()


async def test_dev_stack_exits_non_zero_naming_a_child_that_died(tmp_path: Path):
    stack = DevStackProcess(tmp_path / "data")
    stack.start()
    try:
        await stack.wait_until_up()
        assert stack.process is not None
        llm_worker = next(
            p
            for p in psutil.Process(stack.process.pid).children()
            if "--queue" in p.cmdline() and "llm" in p.cmdline()
        )
        llm_worker.kill()
        code = await asyncio.wait_for(asyncio.to_thread(stack.process.wait), 60)
        assert code != 0
        assert "llm-worker exited unexpectedly" in stack.output()
        assert stack.group_alive() == []
    finally:
        if stack.process and stack.process.poll() is None:
            stack.kill_group()
