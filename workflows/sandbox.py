"""The sandbox every ClaimWorkflow runs in, on workers and in replay tests alike.

Temporal re-imports workflow modules inside a sandbox that refuses non-deterministic calls
(`datetime.now()`, I/O, threads). A module that *passes through* is the host's own copy and is
not checked, so only code that cannot be non-deterministic may pass: the pure domain
(`claims`, which imports no I/O) and the data contracts of the workflow and its activities.
Everything else under `workflows/` is checked on every run
(tests/integration/workflows/test_sandbox.py).
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

PASSTHROUGH_MODULES = (
    "claims",
    "activities.contracts",
    "workflows.contracts",
    # The claimant's address is parsed (never looked up) by email-validator when a contract is
    # validated inside a workflow; it imports parts of itself and idna lazily, on first use.
    "email_validator",
    "idna",
)


def claim_workflow_runner() -> SandboxedWorkflowRunner:
    """The sandboxed runner with our pure modules passed through (loaded once, not per run)."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return SandboxedWorkflowRunner(restrictions=restrictions)
