"""The sandbox every ClaimWorkflow runs in, on workers and in replay tests alike.

Temporal re-imports workflow modules inside a sandbox that refuses non-deterministic calls
(`datetime.now()`, I/O, threads). A module that *passes through* is the host's own copy and is
not checked, so only code that cannot be non-deterministic may pass: the pure domain
(`claims`, which imports no I/O) and the data that crosses Temporal (`contracts`).
Everything else under `workflows/` is checked on every run
(tests/integration/workflows/test_sandbox.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import CodeType
from typing import Any, cast

from temporalio.converter import SerializationContext
from temporalio.converter._extstore import StorageDriverStoreContext
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker._command_aware_visitor import CommandInfo
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.worker.workflow_sandbox._in_sandbox import InSandbox
from temporalio.worker.workflow_sandbox._runner import _Instance

PASSTHROUGH_MODULES = (
    "claims",
    "contracts",
    # The claimant's address is parsed (never looked up) by email-validator when a contract is
    # validated inside a workflow; it imports parts of itself and idna lazily, on first use.
    "email_validator",
    "idna",
)


def claim_workflow_runner() -> SandboxedWorkflowRunner:
    """The sandboxed runner with our pure modules passed through (loaded once, not per run)."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return CompiledGlueRunner(restrictions=restrictions)


# The SDK's glue snippets are a handful of fixed strings; a bound keeps a surprise from growing.
_MAX_SNIPPETS = 64
_compiled: dict[str, CodeType] = {}


def compiled(code: str | CodeType) -> CodeType:
    """`code` compiled once per process (the same code object every later time)."""
    if isinstance(code, CodeType):
        return code
    hit = _compiled.get(code)
    if hit is None:
        hit = compile(code, "<string>", "exec")
        if len(_compiled) < _MAX_SNIPPETS:
            _compiled[code] = hit
    return hit


class _CompiledGlueInstance(_Instance):
    """The SDK's sandboxed instance, running its glue code compiled once, not per call.

    The SDK enters the sandbox by `exec` of a short source string: for every activation, and
    for every payload sequence it encodes or decodes (to ask the workflow for its
    serialization context). `exec` of a string compiles it each time, which was about 7% of
    the claims worker's CPU. The same code runs, in the same sandbox, with the same
    restrictions: only the compiling is done once.
    """

    def _run_code(self, code: Any, **extra_globals: Any) -> None:
        # `exec` takes a code object as well as a string; the SDK's type says only str.
        super()._run_code(compiled(code), **extra_globals)  # type: ignore[arg-type]

    # The worker asks these for every payload sequence it encodes, stores or decodes, and the
    # stock runner answers each by entering the sandbox (patching sys.modules, `__import__` and
    # the builtins, then undoing it): about 70 us a call (`make bench-sandbox`). What runs in
    # there is the SDK's own method on its own instance (temporalio is passed through, so
    # these are the host's classes), reading which commands are pending: no workflow code and
    # no import. It is called directly (2 us); the answer is the one the sandboxed call gives.

    def get_serialization_context(
        self, command_info: CommandInfo | None
    ) -> SerializationContext | None:
        return self._in_sandbox().get_serialization_context(command_info)

    def get_external_store_context(
        self, command_info: CommandInfo | None
    ) -> StorageDriverStoreContext:
        return self._in_sandbox().get_external_store_context(command_info)

    def _in_sandbox(self) -> InSandbox:
        # The SDK types its globals as strings; this one holds the sandbox's entry object.
        return cast(InSandbox, self.globals_and_locals["__temporal_in_sandbox"])


@dataclass(frozen=True)
class CompiledGlueRunner(SandboxedWorkflowRunner):
    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return _CompiledGlueInstance(det, self.runner_class, self.restrictions)
