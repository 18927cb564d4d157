"""The outbox worker: OutboxDispatcher with the webhook and mail delivery activities.

It runs in the claims worker's process on a task queue of its own (CLAIMS_OUTBOX_TASK_QUEUE),
with its own slots: deliveries waiting on a slow receiver never hold up a claim's steps.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker, WorkerDeploymentConfig

import workflows
from activities.mail import MailActivities, SmtpConfig
from activities.webhook_delivery import WebhookActivities, WebhookConfig
from contracts import (
    LEGACY_OUTBOX_WORKFLOW_NAME,
    WAKE_SIGNAL,
    OutboxChannel,
    dispatcher_id,
    dispatcher_start,
)
from infra.encryption import KeyRing
from infra.settings import Settings
from workers.workflow_code import keep_workflow_code
from workflows.outbox import OutboxDispatcher
from workflows.sandbox import claim_workflow_runner

log = logging.getLogger(__name__)

# Wake-ups within this window go out as one signal per dispatcher: a burst of claims costs the
# dispatcher one workflow task, not one per step.
WAKE_COALESCE_S = 0.05


def smtp_config(settings: Settings) -> SmtpConfig | None:
    if settings.smtp_host is None:
        return None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        timeout_s=settings.outbox_attempt_timeout_s,
        pacing=settings.retry_pacing(),
    )


def webhook_config(settings: Settings) -> WebhookConfig:
    return WebhookConfig(
        allow_loopback=settings.env == "dev",
        attempt_timeout_s=settings.outbox_attempt_timeout_s,
        pacing=settings.retry_pacing(),
        breaker_failures=settings.outbox_breaker_failures,
        breaker_cooldown_s=settings.outbox_breaker_cooldown_s,
    )


def build_outbox_worker(
    client: Client,
    *,
    engine: AsyncEngine,
    settings: Settings,
    key_ring: KeyRing,
    deployment: WorkerDeploymentConfig,
    **options: Any,
) -> Worker:
    """Webhook delivery always; e-mail only when an SMTP relay is configured."""
    keep_workflow_code(workflows)
    hooks = WebhookActivities(engine, key_ring, webhook_config(settings))
    activities: list[Any] = [hooks.due, hooks.deliver]
    smtp = smtp_config(settings)
    if smtp is not None:
        mail = MailActivities(engine, smtp)
        activities += [mail.due, mail.send]
    return Worker(
        client,
        task_queue=settings.outbox_task_queue,
        workflows=[OutboxDispatcher],
        deployment_config=deployment,
        workflow_runner=claim_workflow_runner(),
        activities=activities,
        **options,
    )


def channels(settings: Settings) -> list[OutboxChannel]:
    """The outbox channels this deployment delivers: webhooks, and e-mail with an SMTP relay."""
    enabled = [OutboxChannel.WEBHOOK]
    if settings.smtp_host is not None:
        enabled.append(OutboxChannel.EMAIL)
    return enabled


async def start_dispatchers(client: Client, settings: Settings) -> None:
    """Start each dispatcher unless it runs (every worker replica asks; one wins)."""
    for channel in channels(settings):
        start = dispatcher_start(
            channel, task_queue=settings.outbox_task_queue, pacing=settings.outbox_pacing()
        )
        await client.start_workflow(
            **start, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
        )


async def end_legacy_relays(client: Client) -> int:
    """Terminate the per-subscription relays of the earlier design; return how many.

    Their rows are now served by the dispatchers, and their code is gone: left running, they
    would only fail their workflow tasks in the Web UI.
    """
    ended = 0
    query = f"WorkflowType = '{LEGACY_OUTBOX_WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"
    async for execution in client.list_workflows(query):
        try:
            await client.get_workflow_handle(execution.id, run_id=execution.run_id).terminate(
                reason="replaced by the outbox dispatchers"
            )
            ended += 1
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
    return ended


class OutboxWaker:
    """Signals the dispatchers after a step committed outbox rows (RecordActivities' `wake`).

    Fire and forget: the step never waits for it, and a lost signal only delays the rows
    until the dispatcher's sweep.
    """

    def __init__(self, client: Client, settings: Settings) -> None:
        self._client = client
        self._queue = settings.outbox_task_queue
        self._enabled = set(channels(settings))
        self._pending: set[OutboxChannel] = set()
        self._flushing: asyncio.Task[None] | None = None

    def __call__(self, webhooks: int, emails: int) -> None:
        wanted = {OutboxChannel.WEBHOOK} if webhooks else set()
        if emails:
            wanted.add(OutboxChannel.EMAIL)
        self._pending |= wanted & self._enabled
        if self._pending and self._flushing is None:
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(WAKE_COALESCE_S)
        woken, self._pending, self._flushing = self._pending, set(), None
        for channel in woken:
            handle = self._client.get_workflow_handle(dispatcher_id(channel, self._queue))
            try:
                await handle.signal(WAKE_SIGNAL)
            except RPCError as exc:
                log.warning("could not wake the %s dispatcher (%s): its sweep will", channel, exc)
