"""Shadow assessments on live claims: recorded beside the claim, never changing it.

A candidate that disagrees, fails, times out or is over its budget leaves the claim's timeline
and outcome exactly as a run without shadows gives them; each shadow's outcome is recorded once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import uuid
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from temporalio.worker import Replayer

from activities.assessment import LlmConfig
from activities.llm_client import OFFLINE_MODEL
from evaluation import live
from infra.store import shadows
from infra.tables import shadow_spend
from tests.support.api import (
    ADJUSTER,
    ADMIN,
    SUBMITTER,
    TERMINAL,
    create_policy,
    review,
    submit,
    wait_for_claim,
)
from tests.support.console import console_for
from tests.support.stack import Stack, StackFactory
from tools.fake_llm import FakeLlmServer
from tools.waiting import wait_for
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner
from workflows.shadow import ShadowAssessmentWorkflow

CASH_ONLY = "The garage only took cash, so I paid in cash for the new door panel; no invoice."
# litellm cannot price the fake server's behaviours: without a price they are over budget.
PRICES = "openai/lenient=0.001,openai/error-500=0.001,openai/hang=0.001"
ORDINARY = "Rear-ended at a red light; bumper replaced at the dealer, invoice attached."


def production(server: FakeLlmServer) -> LlmConfig:
    """Production's offline model; candidates reach the fake provider through the same base."""
    return LlmConfig(model=OFFLINE_MODEL, api_base=server.api_base, api_key="sk-test", timeout_s=1)


async def run_claim(stack: Stack, description: str) -> tuple[str, dict[str, Any]]:
    number = await create_policy(stack.http)
    body = {
        "policy_number": number,
        "claimant": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "claim_type": "auto",
        "incident_date": "2026-06-15",
        "amount": "1250.00",
        "currency": "USD",
        "description": description,
    }
    submitted = await stack.http.post("/v1/claims", json=body, headers=SUBMITTER)
    assert submitted.status_code == 202, submitted.text
    claim_id: str = submitted.json()["claim_id"]
    settled = await wait_for_claim(stack.http, claim_id, TERMINAL | {"awaiting_review"})
    return claim_id, settled


def timeline(claim: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(e["type"], e["detail"].get("route")) for e in claim["events"]]


async def shadow_rows(stack: Stack, claim_id: str, count: int) -> list[dict[str, Any]]:
    async def rows() -> list[dict[str, Any]]:
        async with stack.engine.connect() as conn:
            found = await shadows.for_claim(conn=conn, claim_id=uuid.UUID(claim_id))
        return [asdict(r) for r in found]

    return await wait_for(rows, lambda found: len(found) >= count, what=f"{count} shadows")


async def spend_rows(stack: Stack, claim_id: str) -> dict[str, tuple[str, Decimal]]:
    async with stack.engine.connect() as conn:
        found = await conn.execute(
            sa.select(shadow_spend.c.model, shadow_spend.c.status, shadow_spend.c.spent_usd).where(
                shadow_spend.c.claim_id == uuid.UUID(claim_id)
            )
        )
    return {model: (status, spent) for model, status, spent in found}


async def test_shadows_that_disagree_fail_or_time_out_change_nothing_about_the_claim(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    async with make_stack(llm=production(fake_llm)) as plain:
        _, without = await run_claim(plain, CASH_ONLY)
    candidates = "openai/lenient,openai/error-500,openai/hang"
    async with make_stack(
        llm=production(fake_llm), llm_shadow_models=candidates, llm_shadow_prices=PRICES
    ) as shadowed:
        claim_id, with_shadows = await run_claim(shadowed, CASH_ONLY)
        rows = await shadow_rows(shadowed, claim_id, 3)
        spend = await spend_rows(shadowed, claim_id)
        again = (await shadowed.http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
        mine = await shadowed.http.get(f"/v1/claims/{claim_id}", headers=SUBMITTER)
    # The claim: same status, same route, same timeline, as if no candidate had been asked.
    assert with_shadows["status"] == without["status"] == "awaiting_review"
    assert timeline(with_shadows) == timeline(without)
    assert timeline(again) == timeline(without)

    # The claim's history (with its patch marker and child starts) and a shadow's replay on
    # this code: no nondeterminism for a worker picking either up after a restart.
    replayer = Replayer(
        workflows=[ClaimWorkflow, ShadowAssessmentWorkflow],
        data_converter=shadowed.client.data_converter,
        workflow_runner=claim_workflow_runner(),
    )
    for workflow_id in (f"claim-{claim_id}", f"claim-{claim_id}-shadow-1-0"):
        history = await shadowed.client.get_workflow_handle(workflow_id).fetch_history()
        await replayer.replay_workflow(history)

    by_model = {r["model"]: r for r in rows}
    lenient = by_model["openai/lenient"]
    assert (lenient["status"], lenient["route"]) == ("done", "auto_approve")
    assert lenient["production_route"] == "human_review"  # a disagreement, on record
    assert by_model["openai/error-500"]["status"] == "failed"
    assert by_model["openai/hang"]["status"] == "timed_out"
    # The budget: an answer is charged its price, a refused call nothing, a call given up on
    # its reservation (the provider may have billed it).
    assert spend == {
        "openai/lenient": ("settled", Decimal("0.001")),
        "openai/error-500": ("released", Decimal(0)),
        "openai/hang": ("settled", Decimal("0.001")),
    }
    assert {r["round"] for r in rows} == {1}
    # Staff see the shadows on the claim; its submitter never does.
    staff = again["shadows"]
    assert {s["model"] for s in staff} == set(by_model)
    assert next(s for s in staff if s["model"] == "openai/lenient")["agrees"] is False
    assert mine.json().get("shadows") is None


async def test_a_candidate_over_its_budget_stops_shadowing_and_says_so(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    before = fake_llm.stats.requests["gpt-4o-mini"]
    async with make_stack(
        llm=production(fake_llm),
        llm_shadow_models="openai/gpt-4o-mini",
        llm_shadow_budget_usd=Decimal(0),
    ) as stack:
        claim_id, claim = await run_claim(stack, ORDINARY)
        [row] = await shadow_rows(stack, claim_id, 1)
        metrics = (await stack.http.get("/metrics")).text
    assert claim["status"] == "paid"
    assert row["status"] == "over_budget"
    assert fake_llm.stats.requests["gpt-4o-mini"] == before  # the candidate was never asked
    assert (
        'claims_llm_shadow_assessments_total{model="openai/gpt-4o-mini",status="over_budget"}'
        in metrics
    )


async def test_shadows_agree_and_are_counted_with_their_cost(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    async with make_stack(
        llm=production(fake_llm), llm_shadow_models="openai/gpt-4o-mini"
    ) as stack:
        claim_id, claim = await run_claim(stack, ORDINARY)
        [row] = await shadow_rows(stack, claim_id, 1)
        metrics = (await stack.http.get("/metrics")).text
        page = (await stack.http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)).json()
    assert claim["status"] == "paid"
    assert (row["status"], row["route"], row["production_route"]) == (
        "done",
        "auto_approve",
        "auto_approve",
    )
    assert row["cost_usd"] > 0  # litellm prices gpt-4o-mini
    assert page["shadows"][0]["agrees"] is True
    assert 'claims_llm_shadow_agreements_total{model="openai/gpt-4o-mini"}' in metrics
    assert "claims_llm_shadow_cost_usd_total" in metrics


async def test_the_live_report_compares_candidates_with_production_and_adjusters(
    make_stack: StackFactory, fake_llm: FakeLlmServer, database_url: str, tmp_path: Path
) -> None:
    started = dt.datetime.now(dt.UTC)
    async with make_stack(
        llm=production(fake_llm), llm_shadow_models="openai/lenient", llm_shadow_prices=PRICES
    ) as stack:
        claim_id, claim = await run_claim(stack, CASH_ONLY)
        await shadow_rows(stack, claim_id, 1)
        rejected = await review(stack.http, claim_id, decision="reject", note="No invoice at all.")
        assert rejected.status_code == 200, rejected.text
        async with stack.engine.connect() as conn:
            rows = list(await shadows.since(conn=conn, start=started))
        console = await console_for(stack.http, "dev-adjuster-key")
        page = await console.get(f"/console/claims/{claim_id}")
    assert "Shadow assessments" in page.text
    assert "openai/lenient" in page.text
    mine = [r for r in rows if str(r.claim_id) == claim_id]
    built = live.build(mine, since=started)
    [candidate] = built["candidates"]
    assert candidate["name"].startswith("openai/lenient @ ")
    # It would have paid; production sent the claim to a person, who rejected it (all in the
    # same round: the shadow is judged against its own round's decisions).
    figures = candidate["overall"]
    assert figures["agreement_with_production"] == 0.0
    assert figures["agreement_with_adjusters"] == 0.0
    assert figures["false_approve_rate"] == 1.0
    assert figures["measured_on"]["agreement_with_adjusters"] == 1
    [stake] = candidate["money_at_stake"]
    assert (stake["claim_id"], stake["adjuster"], stake["payable"]) == (
        claim_id,
        "reject",
        claim["payable_amount"],
    )

    # The command builds the same report from the database.
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        "eval",
        "--live",
        "--since",
        "2h",
        "--out",
        str(tmp_path),
        env=os.environ | {"CLAIMS_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(command.communicate(), 120)
    assert command.returncode == 0, output.decode()
    report = json.loads((tmp_path / "live.json").read_text())
    listed = {d["claim_id"] for c in report["candidates"] for d in c["money_at_stake"]}
    assert claim_id in listed
    assert "disagreements with money at stake" in (tmp_path / "live.html").read_text()

    # Held to thresholds, it is not promoted: too few claims to judge, and it pays what a
    # person refused.
    strict = tmp_path / "live.toml"
    strict.write_text("[gate]\nmin_claims = 1\n[overall]\nmax_false_approve_rate = 0.5\n")
    for thresholds, missed in (
        ("evaluation/dataset/live-thresholds.toml", "fewer than the 50 a judged figure needs"),
        (str(strict), "overall: false_approve_rate is "),
    ):
        gated = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "eval",
            "--live",
            "--since",
            "2h",
            "--thresholds",
            thresholds,
            "--gate",
            "openai/lenient",
            "--out",
            str(tmp_path),
            env=os.environ | {"CLAIMS_DATABASE_URL": database_url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        said, _ = await asyncio.wait_for(gated.communicate(), 120)
        assert gated.returncode == 1, said.decode()
        assert missed in said.decode()


async def test_claims_outside_the_sample_start_no_shadow(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    before = fake_llm.stats.requests["gpt-4o-mini"]
    async with make_stack(
        llm=production(fake_llm), llm_shadow_models="openai/gpt-4o-mini", llm_shadow_sample=0.0
    ) as stack:
        claim_id, claim = await run_claim(stack, ORDINARY)
        history = await stack.client.get_workflow_handle(f"claim-{claim_id}").fetch_history()
    assert claim["status"] == "paid"
    assert not any(
        e.HasField("start_child_workflow_execution_initiated_event_attributes")
        for e in history.events
    )
    assert fake_llm.stats.requests["gpt-4o-mini"] == before


async def test_a_budget_for_five_calls_makes_at_most_five_however_many_claims_arrive(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    # A model of this test's own (the fake answers any name well), so no other test's spend
    # today counts against its budget; litellm cannot price it: the configured price holds.
    model = f"budget-{uuid.uuid4().hex[:8]}"
    async with make_stack(
        llm=production(fake_llm),
        llm_shadow_models=f"openai/{model}",
        llm_shadow_prices=f"openai/{model}=0.01",
        llm_shadow_budget_usd=Decimal("0.05"),
    ) as stack:
        number = await create_policy(stack.http)
        submitted = await asyncio.gather(
            *(submit(stack.http, number, description=ORDINARY) for _ in range(50))
        )
        ids = [uuid.UUID(s["claim_id"]) for s in submitted]

        async def recorded() -> list[Any]:
            async with stack.engine.connect() as conn:
                return list(
                    await conn.execute(
                        sa.select(shadow_spend.c.claim_id)
                        .select_from(shadow_spend)
                        .where(shadow_spend.c.claim_id.in_(ids))
                    )
                )

        async def outcomes() -> list[str]:
            async with stack.engine.connect() as conn:
                return list(
                    await conn.scalars(
                        sa.text("SELECT status FROM shadow_assessment WHERE model = :m"),
                        {"m": f"openai/{model}"},
                    )
                )

        statuses = await wait_for(outcomes, lambda found: len(found) == 50, what="50 shadows")
        reservations = await recorded()
    assert fake_llm.stats.requests[model] <= 5
    assert statuses.count("done") == fake_llm.stats.requests[model] == len(reservations) == 5
    assert statuses.count("over_budget") == 45
