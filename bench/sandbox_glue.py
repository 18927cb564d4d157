"""What the SDK's sandbox costs per call into it, stock and with our runner.

A reproducer for upstream (temporalio's workflow_sandbox/_runner.py). `_Instance._run_code`
runs `exec(source_string, ...)`, which compiles the string on every call; and the worker asks
the instance for a serialization context for every payload sequence it encodes or decodes,
which the stock runner answers by entering the sandbox (patching `sys.modules`, `__import__`
and the builtins, then undoing it) to call the SDK's own method. Our runner compiles the glue
once and answers the context question by calling that method directly. This creates one
sandboxed instance of a trivial workflow with each runner and times
`get_serialization_context` and new instances; no server is needed.

    .venv/bin/python -m bench.sandbox_glue
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import temporalio.converter
from temporalio import workflow
from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.worker import WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox._runner import _fake_info

from workflows.sandbox import CompiledGlueRunner

CALLS = 5_000
INSTANCES = 200


@workflow.defn(sandboxed=True)
class Trivial:
    @workflow.run
    async def run(self) -> None:
        return None


def details() -> WorkflowInstanceDetails:
    converter = temporalio.converter.DataConverter.default
    return WorkflowInstanceDetails(
        payload_converter_factory=converter._new_payload_converter,
        failure_converter_class=converter.failure_converter_class,
        interceptor_classes=[],
        defn=workflow._Definition.must_from_class(Trivial),
        info=_fake_info,
        randomness_seed=-1,
        extern_functions={},
        disable_eager_activity_execution=False,
        worker_level_failure_exception_types=[],
        patch_activation_callback=None,
        last_completion_result=Payloads(),
        last_failure=Failure(),
    )


def per_call_us(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return (time.perf_counter() - start) / count * 1e6


async def main() -> None:
    # An instance binds itself to the running event loop, as it does on a worker.
    rows = []
    for name, runner in (
        ("stock SandboxedWorkflowRunner", SandboxedWorkflowRunner()),
        ("CompiledGlueRunner (ours)", CompiledGlueRunner()),
    ):
        instance = runner.create_instance(details())
        context = per_call_us(lambda: instance.get_serialization_context(None), CALLS)  # noqa: B023
        created = per_call_us(lambda: runner.create_instance(details()), INSTANCES)  # noqa: B023
        rows.append((name, context, created))
    print(f"{'runner':32} {'get_serialization_context':>26} {'new instance':>14}")
    for name, context, created in rows:
        print(f"{name:32} {context:>23.1f} us {created:>11.0f} us")
    stock, ours = rows
    ratio = ours[1] / stock[1]
    print(f"\nget_serialization_context: {ours[1]:.1f} us / {stock[1]:.1f} us = {ratio:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
