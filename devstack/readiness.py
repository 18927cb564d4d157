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


async def live_pollers(client: Client, queue: str, *, exclude_pid: int) -> list[str]:
    """Identities of live worker processes polling `queue` (activity tasks), but `exclude_pid`.

    Temporal lists a dead worker's poller for minutes, so a poller on this host only counts when
    its process is still alive; one on another host counts when it polled in the last minute.
    """
    import socket
    import time

    import psutil

    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        )
    )
    here = socket.gethostname()
    alive = []
    for poller in response.pollers:
        pid_text, _, host = poller.identity.partition("@")
        if host == here:
            if not pid_text.isdigit() or int(pid_text) == exclude_pid:
                continue
            if not psutil.pid_exists(int(pid_text)):
                continue
        elif time.time() - poller.last_access_time.seconds > 60:
            continue
        alive.append(poller.identity)
    return alive
