"""Is a given worker process polling a task queue? Asked of Temporal itself."""

from __future__ import annotations

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client


async def queue_has_poller(client: Client, queue: str, pid: int, *, workflows: bool) -> bool:
    """True when a poller whose identity starts with `<pid>@` polls `queue`.

    Matching the pid matters after a restart: Temporal keeps listing the pollers of a killed
    worker for a few minutes.
    """
    kinds = [TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]
    if workflows:
        kinds.append(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
    for kind in kinds:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=queue),
                task_queue_type=kind,
            )
        )
        if not any(p.identity.startswith(f"{pid}@") for p in response.pollers):
            return False
    return True
