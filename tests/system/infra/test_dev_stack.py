"""`claims dev` as a user runs it: real child processes, real ports, real signals."""

import asyncio
import re
import signal
from pathlib import Path

import psutil
from temporalio.client import Client

from devstack.keys import dev_key_ring
from infra.encryption import data_converter, parse_key_ring
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, TERMINAL, wait_for_claim
from tests.support.files import photo
from tools import samples as f
from tools.dev_stack import children_by_role, dev_stack, llm_worker_child
from tools.waiting import wait_for

LLM_KEY = "sk-canary-llm-key-0000111122223333"


async def test_dev_stack_runs_claims_end_to_end_and_survives_sigkill(tmp_path: Path):
    async with dev_stack(tmp_path / "data", CLAIMS_LLM_API_KEY=LLM_KEY) as stack:
        children = children_by_role(stack)
        # The model's key reaches the llm worker alone; every process shares the key ring.
        assert children["llm worker"].environ().get("CLAIMS_LLM_API_KEY") == LLM_KEY
        for role in ("api", "claims worker"):
            assert "CLAIMS_LLM_API_KEY" not in children[role].environ(), role
            assert children[role].environ()["CLAIMS_ENCRYPTION_KEYS"].startswith("dev1:")
        # The Web UI decodes through our codec endpoint.
        temporal_argv = children["temporal"].cmdline()
        codec = temporal_argv[temporal_argv.index("--ui-codec-endpoint") + 1]
        assert codec == f"http://127.0.0.1:{stack.api_port}/codec"
        banner = stack.output()
        assert f"http://127.0.0.1:{stack.api_port}/docs" in banner
        assert f"http://127.0.0.1:{stack.ui_port}" in banner
        assert "dev-adjuster-key" in banner
        assert f"http://127.0.0.1:{stack.api_port}/console" in banner
        # The console links claims to the embedded Web UI.
        assert children["api"].environ()["CLAIMS_TEMPORAL_UI_URL"] == (
            f"http://127.0.0.1:{stack.ui_port}"
        )
        async with stack.http() as http:
            assert (await http.get("/console/sign-in")).status_code == 200
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
            # A photo goes to the stack's own object store (the banner names it).
            sent = photo(colour="orange")
            stored = await http.post(
                f"/v1/claims/{flagged_id}/documents",
                headers=SUBMITTER,
                files={"file": ("damage.jpg", sent, "image/jpeg")},
            )
            assert stored.status_code == 201, stored.text
            photo_url = f"/v1/claims/{flagged_id}/documents/{stored.json()['document_id']}"
            assert "Documents     http://127.0.0.1:" in banner

        # The claims worker's build is current (each start promotes its own), and said so.
        assert re.search(r"Build +code-[0-9a-f]{12}, current in deployment claims", stack.output())

        # The claimant's e-mail went to the local sink the banner names, kept as a file.
        mail_dir = tmp_path / "data" / "mail"
        assert f"ls {mail_dir.resolve()}/" in banner

        async def mailed() -> bool:
            return any(auto_id in p.read_text() for p in mail_dir.glob("*.eml"))

        await wait_for(mailed, what="the claimant's e-mail in the sink")

        # Only the launcher dies (SIGKILL), with a claim in flight: Temporal, Postgres, the
        # workers and the API keep running, holding the ports and the data directory. The next
        # start stops them and carries on. (Killing everything at once, Temporal and Postgres
        # included: test_whole_stack_sigkill_mid_flight_loses_nothing_and_pays_once.)
        assert stack.process is not None
        orphans = psutil.Process(stack.process.pid).children()
        stack.process.kill()
        stack.process.wait()
        assert all(p.is_running() for p in orphans)
        stack.mark_restart()
        stack.start()
        await stack.wait_until_up()
        assert "stopped processes left by a killed run" in stack.output()
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in orphans)
        async with stack.http() as http:
            # The object store came back with its data: the photo reads as it did.
            again = await http.get(photo_url, headers=ADJUSTER)
            assert again.status_code == 200, again.text
            assert again.headers["content-type"] == "image/jpeg"
            still_waiting = await wait_for_claim(http, flagged_id, {"awaiting_review"})
            last_two = [e["type"] for e in still_waiting["events"]][-2:]
            assert last_two == ["review_requested", "document_added"]
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

        async def found() -> set[str]:
            return {w.id async for w in temporal.list_workflows(query)}

        both = {f"claim-{auto_id}", f"claim-{flagged_id}"}
        await wait_for(found, both.__eq__, what="both claims by their search attributes")

        assert await stack.stop(signal.SIGTERM) == 0
        assert stack.group_alive() == []


ORDINARY_CLAIMS = 30
FLAGGED_CLAIMS = 6


async def claim_figures(database_url: str) -> dict[str, int]:
    """What Postgres says about every claim of the stack."""
    import sqlalchemy as sa

    from infra.db import create_engine

    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:

            async def scalar(sql: str) -> int:
                return int((await conn.execute(sa.text(sql))).scalar_one())

            return {
                "claims": await scalar("SELECT count(*) FROM claim"),
                "terminal": await scalar(
                    "SELECT count(*) FROM claim WHERE status IN ('paid', 'rejected', 'cancelled')"
                ),
                "paid": await scalar("SELECT count(*) FROM claim WHERE status = 'paid'"),
                "awaiting_review": await scalar(
                    "SELECT count(*) FROM claim WHERE status = 'awaiting_review'"
                ),
                "payments": await scalar("SELECT count(*) FROM payment"),
                "settled_payments": await scalar(
                    "SELECT count(*) FROM payment WHERE status = 'settled'"
                ),
                "settle_ledger_entries": await scalar(
                    "SELECT count(*) FROM payment_ledger WHERE entry = 'settle'"
                ),
                "paid_events": await scalar("SELECT count(*) FROM claim_event WHERE type = 'paid'"),
                "claims_with_duplicate_paid_events": await scalar(
                    "SELECT count(*) FROM (SELECT claim_id FROM claim_event WHERE type = 'paid' "
                    "GROUP BY claim_id HAVING count(*) > 1) AS dup"
                ),
            }
    finally:
        await engine.dispose()


async def test_whole_stack_sigkill_mid_flight_loses_nothing_and_pays_once(tmp_path: Path):
    async with dev_stack(tmp_path / "data") as stack:
        database_url = stack.database_url
        async with stack.http() as http:
            policy = f.policy()
            await http.post("/v1/policies", headers=ADMIN, json=policy.model_dump(mode="json"))
            bodies = [f.submission_json(policy.policy_number)] * ORDINARY_CLAIMS + [
                f.submission_json(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
            ] * FLAGGED_CLAIMS
            responses = await asyncio.gather(
                *(http.post("/v1/claims", headers=SUBMITTER, json=body) for body in bodies)
            )
        assert [r.status_code for r in responses] == [202] * len(bodies)
        submitted = {r.json()["claim_id"] for r in responses}
        # Kill once a few claims have finished, so the rest are caught mid-workflow.
        before = await wait_for(
            lambda: claim_figures(database_url),
            lambda figures: figures["terminal"] >= 3,
            what="three claims finished",
            every_s=0.05,
        )

        stack.kill_group()  # Temporal, Postgres, workers and API, all at once
        stack.mark_restart()
        stack.start()
        await stack.wait_until_up()

        flagged = {r.json()["claim_id"] for r in responses[ORDINARY_CLAIMS:]}
        async with stack.http() as http:
            for claim_id in flagged:
                await wait_for_claim(http, claim_id, {"awaiting_review"})
                reviewed = await http.post(
                    f"/v1/claims/{claim_id}/review", headers=ADJUSTER, json={"decision": "approve"}
                )
                assert reviewed.status_code == 200, reviewed.text
            for claim_id in submitted:
                await wait_for_claim(http, claim_id, TERMINAL)
        after = await claim_figures(database_url)
        print(
            f"\nwhole-stack crash: {len(submitted)} claims submitted; at the kill "
            f"{before['terminal']} finished, {len(submitted) - before['terminal']} in flight; "
            f"after restart {after['terminal']} finished, {after['paid']} paid, "
            f"{after['payments']} payments, {after['paid_events']} paid events, "
            f"{after['claims_with_duplicate_paid_events']} claims with duplicate paid events"
        )
        assert before["terminal"] < len(submitted) - FLAGGED_CLAIMS, "the kill missed the flight"
        assert after["claims"] == len(submitted)
        assert after["terminal"] == after["paid"] == len(submitted)
        assert after["payments"] == after["settled_payments"] == len(submitted)
        assert after["settle_ledger_entries"] == after["paid_events"] == len(submitted)
        assert after["claims_with_duplicate_paid_events"] == 0
        assert await stack.stop(signal.SIGTERM) == 0


async def test_an_extra_llm_worker_takes_over_and_a_child_no_one_replaces_stops_the_stack(
    tmp_path: Path,
):
    from contextlib import AsyncExitStack

    from devstack.readiness import queue_has_poller
    from tools.processes import stop, worker_process

    stack_scope = AsyncExitStack()
    extra = None
    try:
        stack = await stack_scope.enter_async_context(dev_stack(tmp_path / "data"))
        ring = parse_key_ring(dev_key_ring(tmp_path / "data"))
        temporal = await Client.connect(stack.temporal_target, data_converter=data_converter(ring))
        extra = worker_process(
            "llm",
            client=temporal,
            log=tmp_path / "extra-llm-worker.log",
            database_url=stack.database_url,
            # The stack's own ring, generated under its data dir: the same keys as its workers.
            encryption_keys=dev_key_ring(tmp_path / "data"),
        )
        await wait_for(
            lambda: queue_has_poller(temporal, "claims-llm", extra.pid, workflows=False),
            what="the extra llm worker polling",
        )
        assert stack.process is not None
        llm_worker_child(stack).kill()

        async def output() -> str:
            return stack.output()

        await wait_for(output, lambda o: "still polls its task queue" in o, what="the takeover")
        assert stack.process.poll() is None, "the stack carries on"
        async with stack.http() as http:
            policy = f.policy()
            await http.post("/v1/policies", headers=ADMIN, json=policy.model_dump(mode="json"))
            submitted = await http.post(
                "/v1/claims", headers=SUBMITTER, json=f.submission_json(policy.policy_number)
            )
            claim = await wait_for_claim(http, submitted.json()["claim_id"], TERMINAL)
            assert claim["status"] == "paid"
            # Business metrics come from Postgres, so they show what every process did.
            metrics = (await http.get("/metrics")).text
            assert 'claims_decided_total{decided_by="model",outcome="approve"} 1.0' in metrics
        history = await temporal.get_workflow_handle(claim["workflow_id"]).fetch_history()
        assessments = {
            e.event_id
            for e in history.events
            if e.activity_task_scheduled_event_attributes.activity_type.name == "assess_claim"
        }
        runners = {
            e.activity_task_started_event_attributes.identity.split("@")[0]
            for e in history.events
            if e.activity_task_started_event_attributes.scheduled_event_id in assessments
        }
        assert runners == {str(extra.pid)}, "the extra worker assessed the claim"

        # A child whose queue nobody else serves takes the whole stack down, named: never a
        # silent half-stack. (One stack for both cases: each start costs a dev stack's boot.)
        children_by_role(stack)["claims worker"].kill()
        code = await asyncio.wait_for(asyncio.to_thread(stack.process.wait), 60)
        assert code != 0
        assert "claims-worker exited unexpectedly" in stack.output()
        assert stack.group_alive() == []
    finally:
        stop(extra)
        await stack_scope.aclose()
