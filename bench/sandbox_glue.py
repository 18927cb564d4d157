"""What the SDK's sandbox costs per call into it, stock and with our runner.

A reproducer for upstream (temporalio's workflow_sandbox/_runner.py). `_Instance._run_code`
runs `exec(source_string, ...)`, which compiles the string on every call; and the worker asks
the instance for a serialization context for every payload sequence it encodes or decodes,
which the stock runner answers by entering the sandbox (patching `sys.modules`, `__import__`
and the builtins, then undoing it) to call the SDK's own method. Our runner compiles the glue
once and answers the context question by calling that method directly. This creates one
sandboxed instance of a trivial workflow with each runner and times
`get_serialization_context` and new instances; no server is needed.

Then it makes new instances of ClaimWorkflow itself, as the claims worker does (our runner,
the workflow modules' code kept in memory), and says where an instance's time goes: inside
the SDK's `@workflow.defn` validation, which runs again for every instance because the
sandbox re-imports the module that defines the class, and how many imports the sandbox's
import hook answers for one instance.

    .venv/bin/python -m bench.sandbox_glue
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import temporalio.converter
from temporalio import workflow
from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.worker import WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox._importer import Importer
from temporalio.worker.workflow_sandbox._runner import _fake_info

from workflows.sandbox import CompiledGlueRunner

CALLS = 5_000
INSTANCES = 200


@workflow.defn(sandboxed=True)
class Trivial:
    @workflow.run
    async def run(self) -> None:
        return None


def details(workflow_class: type = Trivial) -> WorkflowInstanceDetails:
    converter = temporalio.converter.DataConverter.default
    return WorkflowInstanceDetails(
        payload_converter_factory=converter._new_payload_converter,
        failure_converter_class=converter.failure_converter_class,
        interceptor_classes=[],
        defn=workflow._Definition.must_from_class(workflow_class),
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


@dataclasses.dataclass
class _Spent:
    seconds: float = 0.0
    calls: int = 0


@contextmanager
def timed(owner: Any, name: str, spent: _Spent, *, static: bool = False) -> Iterator[None]:
    """Count the calls of `owner.name` (and their time), for the duration of the block.

    temporalio is passed through the sandbox, so the sandbox calls the host's own function.
    """
    original = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.seconds += time.perf_counter() - start
            spent.calls += 1

    setattr(owner, name, staticmethod(counting) if static else counting)
    try:
        yield
    finally:
        setattr(owner, name, staticmethod(original) if static else original)


def claim_instance_breakdown() -> None:
    # Imported here, not above: the sandbox re-imports this module for every Trivial instance.
    import workflows
    from workers.workflow_code import keep_workflow_code
    from workflows.claim import ClaimWorkflow
    from workflows.sandbox import claim_workflow_runner

    keep_workflow_code(workflows)
    runner = claim_workflow_runner()
    claim = details(ClaimWorkflow)
    runner.create_instance(claim)
    total = per_call_us(lambda: runner.create_instance(claim), INSTANCES)
    validation, imports = _Spent(), _Spent()
    with (
        timed(workflow._Definition, "_apply_to_class", validation, static=True),
        timed(Importer, "_import", imports),
    ):
        for _ in range(INSTANCES):
            runner.create_instance(claim)
    validation_us = validation.seconds / INSTANCES * 1e6
    print(f"\nnew ClaimWorkflow instance (the claims worker's runner): {total:.0f} us")
    print(
        f"  of which @workflow.defn validating the class again: {validation_us:.0f} us "
        f"({validation_us / total:.0%})"
    )
    print(f"  imports answered by the sandbox's import hook: {imports.calls / INSTANCES:.0f}")


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
    claim_instance_breakdown()


if __name__ == "__main__":
    asyncio.run(main())
