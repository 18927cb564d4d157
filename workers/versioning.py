"""How the claims worker process joins its Worker Deployment (docs/decisions/0001-...)."""

from __future__ import annotations

import logging

from temporalio.client import Client
from temporalio.common import WorkerDeploymentVersion
from temporalio.worker import WorkerDeploymentConfig

from workers.deployments import DeployError, join

log = logging.getLogger(__name__)


def deployment_config(deployment_name: str, build_id: str) -> WorkerDeploymentConfig:
    """Versioned: the server routes each workflow's tasks to the build it is pinned to."""
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name, build_id), use_worker_versioning=True
    )


async def join_deployment(client: Client, deployment_name: str, build_id: str, policy: str) -> None:
    """Promote this build as CLAIMS_BUILD_PROMOTION says, once its workers poll; log the outcome."""
    try:
        done = await join(client, deployment_name, build_id, policy)
    except DeployError as exc:
        log.error("build %s could not join deployment %s: %s", build_id, deployment_name, exc)
        return
    if done:
        log.info("deployment %s: %s", deployment_name, done)
    else:
        log.info(
            "deployment %s: build %s polls; `claims deploy promote %s` sends new claims to it",
            deployment_name,
            build_id,
            build_id,
        )
