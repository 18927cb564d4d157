"""The claims worker: ClaimWorkflow plus the Postgres, payment and notification activities."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.payment import LedgerRail, PaymentActivities, PaymentRail
from activities.records import RecordActivities
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner


def build_claims_worker(
    client: Client,
    *,
    engine: AsyncEngine,
    task_queue: str,
    rail: PaymentRail | None = None,
    records: RecordActivities | None = None,
    **options: Any,
) -> Worker:
    """A worker serving ClaimWorkflow and every activity that touches Postgres.

    `options` are Worker options from configuration (concurrency, cache size, shutdown grace).
    """
    records = records or RecordActivities(engine)
    payments = PaymentActivities(engine, rail or LedgerRail())
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ClaimWorkflow],
        workflow_runner=claim_workflow_runner(),
        activities=[
            records.record_submission,
            records.check_policy,
            records.record_transition,
            records.notify,
            payments.pay_claim,
            payments.release_payment,
        ],
        **options,
    )
