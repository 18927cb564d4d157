"""The outbox worker: OutboxRelayWorkflow with the webhook and mail delivery activities.

It runs in the claims worker's process on a task queue of its own (CLAIMS_OUTBOX_TASK_QUEUE),
with its own slots: deliveries waiting on a slow receiver never hold up a claim's steps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker

from activities.outbox import MailActivities, SmtpConfig, WebhookActivities, WebhookConfig
from infra.encryption import KeyRing
from infra.settings import Settings
from infra.store import webhooks
from workflows.contracts import OutboxChannel, relay_start
from workflows.outbox import OutboxRelayWorkflow
from workflows.sandbox import claim_workflow_runner


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
    )


def build_outbox_worker(
    client: Client,
    *,
    engine: AsyncEngine,
    settings: Settings,
    key_ring: KeyRing,
    **options: Any,
) -> Worker:
    """Webhook delivery always; e-mail only when an SMTP relay is configured."""
    hooks = WebhookActivities(
        engine,
        key_ring,
        WebhookConfig(
            allow_loopback=settings.env == "dev",
            attempt_timeout_s=settings.outbox_attempt_timeout_s,
        ),
    )
    activities: list[Any] = [hooks.due, hooks.deliver, hooks.dead_letter]
    smtp = smtp_config(settings)
    if smtp is not None:
        mail = MailActivities(engine, smtp)
        activities += [mail.due, mail.send, mail.dead_letter]
    return Worker(
        client,
        task_queue=settings.outbox_task_queue,
        workflows=[OutboxRelayWorkflow],
        workflow_runner=claim_workflow_runner(),
        activities=activities,
        **options,
    )


async def start_webhook_relays(client: Client, engine: AsyncEngine, settings: Settings) -> int:
    """Start the relay of every live subscription that has none; return how many are live.

    The API starts a relay with its subscription; this heals the one case it cannot, an API
    that died between the two.
    """
    async with engine.connect() as conn:
        live = await webhooks.list_for(conn=conn, owner=None)
    for row in live:
        subscription_id = row["subscription_id"]
        start = relay_start(
            OutboxChannel.WEBHOOK,
            task_queue=settings.outbox_task_queue,
            pacing=settings.outbox_pacing(),
            subscription_id=subscription_id,
        )
        await client.start_workflow(
            **start, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
        )
    return len(live)


async def start_mail_relay(client: Client, settings: Settings) -> None:
    """Start the one mail relay unless it runs already (every worker replica asks; one wins)."""
    start = relay_start(
        OutboxChannel.EMAIL, task_queue=settings.outbox_task_queue, pacing=settings.outbox_pacing()
    )
    await client.start_workflow(**start, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
