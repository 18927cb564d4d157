"""Worker Deployments on the Temporal server: what runs where, promotion, ramping, retirement.

Every claims worker joins the deployment `CLAIMS_DEPLOYMENT_NAME` under its build id (the
Worker Deployment *version*). New claims start on the deployment's current build (or a ramping
one); a running claim stays pinned to its build until it moves at a wait (workflows/build_watch.py).
`claims deploy` (cli/deploy.py) is the operator's view of this module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from temporalio.api.deployment.v1 import WorkerDeploymentVersion as VersionRef
from temporalio.api.enums.v1 import VersionDrainageStatus, WorkerDeploymentVersionStatus
from temporalio.api.workflowservice.v1 import (
    DeleteWorkerDeploymentVersionRequest,
    DescribeWorkerDeploymentRequest,
    SetWorkerDeploymentCurrentVersionRequest,
    SetWorkerDeploymentRampingVersionRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from contracts import CHECK_BUILD_SIGNAL, OUTBOX_WORKFLOW_NAME, WAKE_SIGNAL, WORKFLOW_NAME

# How long a promotion waits for the build's workers to be seen polling (they register the
# version with the server on their first poll).
REGISTRATION_WAIT = dt.timedelta(seconds=60)


class DeployError(Exception):
    """A deployment operation refused or failed; `refused` when the rules said no."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class BuildStatus:
    build_id: str
    # current, ramping, draining, drained, inactive (never current), created
    state: str
    created_at: dt.datetime
    claims: int  # ClaimWorkflow runs pinned to it, still running
    others: int  # other workflows pinned to it (the outbox dispatchers)


@dataclass(frozen=True)
class DeploymentStatus:
    name: str
    current: str | None
    ramping: str | None
    ramp_percentage: float
    builds: list[BuildStatus]


_STATES = {
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE: "inactive",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT: "current",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING: "ramping",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING: "draining",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED: "drained",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CREATED: "created",
}


def _on_build(name: str, build_id: str) -> str:
    return f"TemporalWorkerDeploymentVersion = '{name}:{build_id}' AND ExecutionStatus = 'Running'"


async def running_on(client: Client, name: str, build_id: str) -> tuple[int, int]:
    """(claims, other workflows) running pinned to the build."""
    query = _on_build(name, build_id)
    claims = await client.count_workflows(f"{query} AND WorkflowType = '{WORKFLOW_NAME}'")
    every = await client.count_workflows(query)
    return claims.count, every.count - claims.count


async def describe(client: Client, name: str) -> DeploymentStatus | None:
    """The deployment's builds and routing; None when no worker ever joined it."""
    try:
        response = await client.workflow_service.describe_worker_deployment(
            DescribeWorkerDeploymentRequest(namespace=client.namespace, deployment_name=name)
        )
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    info = response.worker_deployment_info
    routing = info.routing_config
    builds = []
    for summary in info.version_summaries:
        build = summary.deployment_version.build_id
        claims, others = await running_on(client, name, build)
        state = _STATES.get(summary.status, "unknown")
        drained = VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED
        if state == "draining" and summary.drainage_status == drained:
            state = "drained"
        builds.append(
            BuildStatus(
                build_id=build,
                state=state,
                created_at=summary.create_time.ToDatetime(dt.UTC),
                claims=claims,
                others=others,
            )
        )
    builds.sort(key=lambda b: b.created_at, reverse=True)
    return DeploymentStatus(
        name=name,
        current=routing.current_deployment_version.build_id or None,
        ramping=routing.ramping_deployment_version.build_id or None,
        ramp_percentage=routing.ramping_version_percentage,
        builds=builds,
    )


# Not registered yet (NOT_FOUND, FAILED_PRECONDITION), or a busy server's transient error: the
# calls made here set routing to a value, so sending one again is harmless.
_WAIT_AND_RETRY = (
    RPCStatusCode.NOT_FOUND,
    RPCStatusCode.FAILED_PRECONDITION,
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.DEADLINE_EXCEEDED,
)


async def _until_registered(call: Callable[[], Awaitable[None]], what: str) -> None:
    """Run an RPC that names a build, waiting (bounded) until its workers have polled."""
    deadline = asyncio.get_running_loop().time() + REGISTRATION_WAIT.total_seconds()
    # Workers register on their first poll, usually within a few tenths of a second.
    pause = 0.1
    while True:
        try:
            await call()
            return
        except RPCError as exc:
            if exc.status not in _WAIT_AND_RETRY or asyncio.get_running_loop().time() > deadline:
                raise DeployError(f"could not {what}: {exc.message}") from exc
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)


async def promote(client: Client, name: str, build_id: str) -> int:
    """Make `build_id` current, then wake what runs on older builds; returns how many woke."""

    async def call() -> None:
        await client.workflow_service.set_worker_deployment_current_version(
            SetWorkerDeploymentCurrentVersionRequest(
                namespace=client.namespace, deployment_name=name, build_id=build_id
            )
        )

    await _until_registered(call, f"make {build_id} current")
    return await wake_older(client, name, build_id)


async def ramp(client: Client, name: str, build_id: str, percent: float) -> None:
    """Send `percent` of new claims to `build_id` (0 stops the ramp)."""
    if not 0 <= percent <= 100:
        raise DeployError("the ramp is a percentage from 0 to 100", refused=True)

    async def call() -> None:
        await client.workflow_service.set_worker_deployment_ramping_version(
            SetWorkerDeploymentRampingVersionRequest(
                namespace=client.namespace,
                deployment_name=name,
                build_id=build_id if percent else "",
                percentage=percent,
            )
        )

    await _until_registered(call, f"ramp {build_id}")


async def retire(client: Client, name: str, build_id: str) -> None:
    """Delete a build from the deployment: refused while it routes or runs anything."""
    status = await describe(client, name)
    found = next((b for b in status.builds if b.build_id == build_id), None) if status else None
    if found is None:
        raise DeployError(f"no build {build_id} in deployment {name}")
    if found.state in ("current", "ramping"):
        raise DeployError(f"{build_id} is {found.state}: promote another build first", refused=True)
    if found.claims or found.others:
        raise DeployError(
            f"{found.claims} claims and {found.others} other workflows still run on {build_id}",
            refused=True,
        )
    try:
        await client.workflow_service.delete_worker_deployment_version(
            DeleteWorkerDeploymentVersionRequest(
                namespace=client.namespace,
                deployment_version=VersionRef(deployment_name=name, build_id=build_id),
            )
        )
    except RPCError as exc:
        raise DeployError(
            f"the server refused to retire {build_id} (stop its workers first): {exc.message}",
            refused=exc.status is RPCStatusCode.FAILED_PRECONDITION,
        ) from exc


async def wake_older(client: Client, name: str, build_id: str, concurrency: int = 20) -> int:
    """Signal the workflows pinned to other builds of the deployment to look at the target now.

    A wake carries no decision: each workflow asks the server whether its target changed.
    """
    query = (
        f"TemporalWorkerDeployment = '{name}' AND ExecutionStatus = 'Running' AND "
        f"TemporalWorkerDeploymentVersion != '{name}:{build_id}'"
    )
    signals = {WORKFLOW_NAME: CHECK_BUILD_SIGNAL, OUTBOX_WORKFLOW_NAME: WAKE_SIGNAL}
    slots = asyncio.Semaphore(concurrency)
    woken = 0

    async def wake(workflow_id: str, signal: str) -> None:
        nonlocal woken
        async with slots:
            try:
                await client.get_workflow_handle(workflow_id).signal(signal)
                woken += 1
            except RPCError:
                pass  # it ended meanwhile

    tasks = [
        asyncio.create_task(wake(execution.id, signals[execution.workflow_type]))
        async for execution in client.list_workflows(query)
        if execution.workflow_type in signals
    ]
    await asyncio.gather(*tasks)
    return woken


async def current_build(client: Client, name: str) -> str | None:
    """The deployment's current build, read with the SDK's retries (a worker's start must not
    fail on a busy server's transient error); None when there is none yet."""
    try:
        response = await client.workflow_service.describe_worker_deployment(
            DescribeWorkerDeploymentRequest(namespace=client.namespace, deployment_name=name),
            retry=True,
        )
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    routing = response.worker_deployment_info.routing_config
    return routing.current_deployment_version.build_id or None


async def join(client: Client, name: str, build_id: str, policy: str) -> str | None:
    """At a worker's start: promote its own build as `policy` says; returns what was done."""
    if policy == "never":
        return None
    current = await current_build(client, name)
    if current == build_id or (policy == "first" and current is not None):
        return None
    await promote(client, name, build_id)
    return f"promoted {build_id} (was {current or 'none'})"
