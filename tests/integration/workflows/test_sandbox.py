"""Every workflow module runs in Temporal's sandbox, where a non-deterministic call is refused.

Two facts make the proof: (1) every module under `workflows/` except the data contract is a
fresh sandbox copy inside a running ClaimWorkflow-style worker, never the host's module; (2) in a
fresh sandbox copy, a clock read is refused, while the same module passed through runs it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import uuid
from collections.abc import Sequence
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
)
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import workflows
from workflows.sandbox import PASSTHROUGH_MODULES, claim_workflow_runner

PROBE_MODULE = "tests.integration.workflows.sandbox_probe"


@workflow.defn(name="SandboxModuleIdentity")
class ModuleIdentityWorkflow:
    @workflow.run
    async def run(self, names: list[str]) -> dict[str, int]:
        # The identity of each module as the sandbox sees it, compared with the host's outside.
        return {name: id(importlib.import_module(name)) for name in names}


@workflow.defn(name="SandboxClockProbe")
class ClockProbeWorkflow:
    @workflow.run
    async def run(self) -> str:
        from temporalio.worker.workflow_sandbox import RestrictedWorkflowAccessError

        # The full dotted name, so the import goes through the sandbox's importer.
        # The full dotted name (not `from … import`), so the import goes through the sandbox's
        # importer, which decides between a fresh copy and the host's.
        import tests.integration.workflows.sandbox_probe as sandbox_probe  # noqa: PLR0402

        try:
            sandbox_probe.read_the_clock()
        except RestrictedWorkflowAccessError:
            return "refused"
        return "allowed"


def workflow_modules() -> list[str]:
    return sorted(f"workflows.{info.name}" for info in pkgutil.iter_modules(workflows.__path__))


async def run_probe(client: Client, runner: SandboxedWorkflowRunner, defn: type, *args: object):
    queue = f"sandbox-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=queue, workflows=[defn], workflow_runner=runner):
        return await client.execute_workflow(
            defn.run,  # type: ignore[attr-defined]
            *args,
            id=f"sandbox-probe-{uuid.uuid4()}",
            task_queue=queue,
            execution_timeout=timedelta(seconds=30),
        )


@pytest.mark.filterwarnings("ignore:Module .* was imported after initial workflow load")
async def test_every_workflow_module_but_the_contract_is_a_sandboxed_copy(client: Client):
    names = [*workflow_modules(), "claims.routing", "claims.rules", "contracts.claim"]
    for name in names:
        importlib.import_module(name)  # the host's copies, to compare with
    inside = await run_probe(client, claim_workflow_runner(), ModuleIdentityWorkflow, names)
    passed_through = {name for name in names if inside[name] == id(sys.modules[name])}
    assert passed_through == {"claims.routing", "claims.rules", "contracts.claim"}
    # Nothing else may be added to the list without this test noticing. email_validator and
    # idna only parse text (the claimant's address, when a contract is validated): no clock,
    # randomness or I/O (DNS look-ups are off), so the host's copies are safe.
    assert set(PASSTHROUGH_MODULES) == {"claims", "contracts", "email_validator", "idna"}
    assert "workflows.claim" in names
    assert "workflows.steps" in names


# The probe imports its module inside the run on purpose: that import is what is being judged.
@pytest.mark.filterwarnings("ignore:Module .* was imported after initial workflow load")
@pytest.mark.parametrize(
    ("runner", "expected"),
    [
        (claim_workflow_runner(), "refused"),
        # Negative control: passed through, the same clock read runs unchecked.
        (
            SandboxedWorkflowRunner(
                restrictions=SandboxRestrictions.default.with_passthrough_modules(PROBE_MODULE)
            ),
            "allowed",
        ),
    ],
    ids=["sandboxed", "passed-through"],
)
async def test_a_clock_read_in_a_sandboxed_module_is_refused(client: Client, runner, expected):
    assert await run_probe(client, runner, ClockProbeWorkflow) == expected


@activity.defn(name="SandboxEcho")
async def echo(text: str) -> str:
    return text


@workflow.defn(name="SandboxContextProbe")
class ContextProbeWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        timeout = timedelta(seconds=10)
        remote = await workflow.execute_activity(echo, text, start_to_close_timeout=timeout)
        local = await workflow.execute_local_activity(echo, text, start_to_close_timeout=timeout)
        return f"{remote} {local}"


class ContextRecordingCodec(PayloadCodec, WithSerializationContext):
    """Passes payloads unchanged and notes the serialization context of every call."""

    def __init__(self, seen: list[str], context: SerializationContext | None = None) -> None:
        self.seen = seen
        self.context = context

    def with_context(self, context: SerializationContext) -> ContextRecordingCodec:
        return ContextRecordingCodec(self.seen, context)

    def _note(self, direction: str) -> None:
        context = self.context
        name = type(context).__name__
        if isinstance(context, ActivitySerializationContext):
            name += f"({context.activity_type}, local={context.is_local})"
        self.seen.append(f"{direction} {name}")

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self._note("encode")
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self._note("decode")
        return list(payloads)


async def contexts_seen(client: Client, runner: SandboxedWorkflowRunner) -> list[str]:
    seen: list[str] = []
    config = client.config()
    config["data_converter"] = DataConverter(payload_codec=ContextRecordingCodec(seen))
    recording = Client(**config)
    queue = f"sandbox-{uuid.uuid4().hex[:8]}"
    async with Worker(
        recording,
        task_queue=queue,
        workflows=[ContextProbeWorkflow],
        activities=[echo],
        workflow_runner=runner,
    ):
        answer = await recording.execute_workflow(
            ContextProbeWorkflow.run,
            "hello",
            id=f"sandbox-context-{uuid.uuid4()}",
            task_queue=queue,
            execution_timeout=timedelta(seconds=30),
        )
    assert answer == "hello hello"
    return seen


async def test_payload_contexts_are_those_the_stock_sandbox_gives(client: Client) -> None:
    # Our runner answers the worker's serialization-context questions without entering the
    # sandbox; every payload must still be encoded and decoded with the context the stock
    # runner gives it, the activity's own included.
    ours = await contexts_seen(client, claim_workflow_runner())
    stock = await contexts_seen(client, SandboxedWorkflowRunner())
    assert sorted(ours) == sorted(stock)
    assert "encode ActivitySerializationContext(SandboxEcho, local=False)" in ours
    assert "encode ActivitySerializationContext(SandboxEcho, local=True)" in ours
    assert "encode WorkflowSerializationContext" in ours
