"""Replay safety: recorded histories of ClaimWorkflow must replay on the current code.

A change to the workflow that alters its commands for claims already in flight fails here
instead of in production. Guard such changes with `workflow.patched` or ship them as a new build
(docs/architecture.md, "Changing ClaimWorkflow"), then refresh the histories with
`make histories`.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, WorkflowReplayResult

from claims import routing
from claims.lifecycle import ClaimStatus
from claims.routing import Route, RoutingDecision
from cli import replay as replay_cli
from cli.deploy import dev_build_report
from cli.replay import duration
from contracts import ClaimState, ClaimWorkflowInput
from infra.encryption import data_converter
from tests.support.stack import Stack, StackFactory
from tests.support.variant_workflow import ScreenedClaimWorkflow
from tools import samples as f
from tools.keys import HISTORIES_RING
from workers.build_id import build_id
from workflows import claim as claim_module
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner

HISTORIES = Path(__file__).resolve().parents[2] / "histories"
EXPECTED = {
    "auto_approve",
    "review_partial_approval",
    "review_reject",
    "reject_by_rule",
    "cancel_in_review",
    "request_info",
    "parked_then_retried",
    "investigation",
}


def load(name: str) -> WorkflowHistory:
    text = (HISTORIES / f"{name}.json").read_text()
    started = json.loads(text)["events"][0]
    workflow_id = started.get("workflowExecutionStartedEventAttributes", {}).get(
        "workflowId", f"replay-{name}"
    )
    return WorkflowHistory.from_json(workflow_id, text)


async def replay(history: WorkflowHistory) -> WorkflowReplayResult:
    """Replay on the current ClaimWorkflow in the sandbox its workers use."""
    replayer = Replayer(
        workflows=[ClaimWorkflow],
        data_converter=data_converter(HISTORIES_RING),
        workflow_runner=claim_workflow_runner(),
    )
    return await replayer.replay_workflow(history, raise_on_replay_failure=False)


def test_every_scenario_has_a_recorded_history():
    assert {p.stem for p in HISTORIES.glob("*.json")} == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_recorded_history_replays_on_current_code(name):
    result = await replay(load(name))
    assert result.replay_failure is None, f"{name}: {result.replay_failure}"


class ReorderedClaimWorkflow(ClaimWorkflow):
    """ClaimWorkflow with its admission dropped: a change that must not replay."""

    async def _first_assessment(self) -> RoutingDecision | None:
        self._claim.payable_amount = self._input.submission.amount
        return await self._assess()

    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        return await super().run(input)


async def test_a_changed_workflow_fails_replay():
    """The replay test can fail: a workflow that skips its admission no longer replays."""
    reordered = workflow.defn(name="ClaimWorkflow", sandboxed=False)(ReorderedClaimWorkflow)
    replayer = Replayer(workflows=[reordered], data_converter=data_converter(HISTORIES_RING))
    result = await replayer.replay_workflow(load("auto_approve"), raise_on_replay_failure=False)
    assert result.replay_failure is not None


def _always_human_review(**_: object) -> RoutingDecision:
    return RoutingDecision(route=Route.HUMAN_REVIEW, reasons=["changed routing"])


async def test_changed_routing_logic_fails_replay(monkeypatch):
    """Routing runs inside the workflow: editing its logic changes claims in flight.

    That is why `claims/routing.py` asks for `workflow.patched` around logic changes, and why its
    thresholds travel in each claim's config instead of being read from settings.
    """
    monkeypatch.setattr(routing, "route_claim", _always_human_review)
    result = await replay(load("auto_approve"))
    assert result.replay_failure is not None


def _events(name: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads((HISTORIES / f"{name}.json").read_text())["events"]
    return events


def _local_markers(name: str) -> int:
    return sum(
        e.get("markerRecordedEventAttributes", {}).get("markerName") == "core_local_activity"
        for e in _events(name)
    )


def _upserts(name: str) -> int:
    return sum(
        e["eventType"] == "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES" for e in _events(name)
    )


def test_each_workflow_tasks_steps_are_written_together():
    """Admission in one step; assessed+approved, payment started, paid+notification."""
    assert _local_markers("auto_approve") == 5
    # Approved and paying are one visibility write: the status goes from assessing to paying.
    assert _upserts("auto_approve") == 3


async def _replay_gate(stack: Stack, *, build: str) -> int:
    """`claims replay --build BUILD --since 1h` against the session's server, in-process."""
    settings = stack.settings.model_copy(
        update={"temporal_address": stack.client.service_client.config.target_host}
    )
    args = argparse.Namespace(since=duration("1h"), limit=50, build=build)
    return await replay_cli._run(args, settings)


async def test_the_replay_gate_passes_the_namespaces_claims_and_names_those_a_change_breaks(
    make_stack: StackFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    async with make_stack() as stack:
        policy = await stack.add_policy(f.policy())
        paid = await stack.start(f.submission(policy.policy_number))
        waiting = await stack.start(
            f.submission(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
        )
        await paid.result()
        await stack.wait_for_status(waiting, ClaimStatus.AWAITING_REVIEW)
        build = build_id(stack.settings)
        assert await _replay_gate(stack, build=build) == 0
        passed = capsys.readouterr().out
        # Both claims, and the stack's outbox dispatcher, replay on this code.
        assert re.search(r"\b([3-9]|\d\d+) replayed, 0 failed", passed), passed

        # The same namespace against code with a new step before every assessment.
        monkeypatch.setattr(claim_module, "ClaimWorkflow", ScreenedClaimWorkflow)
        assert await _replay_gate(stack, build=build) == 1
        failed = capsys.readouterr().out
        assert f"NONDETERMINISTIC {paid.id}" in failed
        assert f"NONDETERMINISTIC {waiting.id}" in failed
        assert "ship it as a new build" in failed
        await waiting.terminate("test done")


async def test_claims_dev_names_the_claims_an_edit_left_on_an_older_build(
    make_stack: StackFactory,
):
    """After an edit (a new build id), `claims dev`'s banner counts what the old build holds."""
    async with make_stack() as stack:
        policy = await stack.add_policy(f.policy())
        waiting = await stack.start(
            f.submission(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
        )
        await stack.wait_for_status(waiting, ClaimStatus.AWAITING_REVIEW)
        unchanged = await dev_build_report(stack.client, stack.settings)
        edited = await dev_build_report(
            stack.client, stack.settings.model_copy(update={"build_id": "code-edited"})
        )
        await waiting.terminate("test done")
    assert f"Build         {build_id(stack.settings)}, current" in unchanged[0]
    assert not any("older builds" in line for line in unchanged)
    text = "\n".join(edited)
    assert "1 claims run on 1 older builds" in text
    assert "temporal workflow terminate --query" in text
    assert (
        f"TemporalWorkerDeploymentVersion!='{stack.settings.deployment_name}:code-edited'" in text
    )
