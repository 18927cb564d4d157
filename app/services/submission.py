"""Starting a claim: one workflow per claim id, idempotent by `Idempotency-Key`.

Deduplication belongs to Temporal, not to a check-then-act here: the claim id (and so the
workflow id) is derived from the key, and the workflow id policies refuse to start a second
workflow with it, running or finished. Only then is the existing workflow described: the
request's hash in its memo tells a replay (same body) from a conflict (other body). A new claim
costs one call to Temporal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from claims.models import ClaimSubmission
from claims.transitions import SubmittedFile
from contracts import (
    WORKFLOW_NAME,
    ClaimConfig,
    ClaimWorkflowInput,
    workflow_id_for,
)
from contracts import search_attributes as sa
from infra.api_keys import ApiKey
from infra.settings import Settings
from infra.store import claim_numbers

_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c9a56-7d1e-4c43-9a51-0c1b8f0e2d11")


class StartOutcome(StrEnum):
    STARTED = "started"  # a new claim
    REPLAYED = "replayed"  # the same key and body as an earlier request
    CONFLICT = "conflict"  # the same key with a different body


@dataclass(frozen=True)
class Started:
    outcome: StartOutcome
    claim_id: uuid.UUID
    claim_number: str
    workflow_id: str
    submitted_at: dt.datetime


def request_hash(submission: ClaimSubmission, files: Sequence[SubmittedFile] = ()) -> str:
    body = submission.model_dump_json()
    if files:  # the files' bytes are part of the request a key stands for
        body += "".join(sorted(f"\n{f.sha256}" for f in files))
    return hashlib.sha256(body.encode()).hexdigest()


def claim_id_for(caller: ApiKey, idempotency_key: str | None) -> uuid.UUID:
    """A key maps to one claim id per caller; no key means a new claim every time."""
    if idempotency_key is None:
        return uuid.uuid4()
    return uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{caller.name}\x00{idempotency_key}")


def claim_config(settings: Settings) -> ClaimConfig:
    return ClaimConfig(
        auto_approve_limit=settings.auto_approve_limit,
        auto_approve_min_confidence=settings.auto_approve_min_confidence,
        review_sla_s=settings.review_sla_s,
        info_wait_s=settings.info_wait_s,
        llm_task_queue=settings.llm_task_queue,
        llm_timeout_s=settings.llm_timeout_s,
        llm_max_attempts=settings.llm_max_attempts,
        llm_model=settings.llm_model,
        step_alert_attempts=settings.step_alert_attempts,
        version_check_s=settings.version_check_s,
    )


async def _memo_of(handle: WorkflowHandle[object, object]) -> dict[str, object]:
    description = await handle.describe()
    return dict(await description.memo())


class Submissions:
    """Starting claims: a number, then the workflow."""

    def __init__(self, client: Client, engine: AsyncEngine, settings: Settings) -> None:
        self._client = client
        self._engine = engine
        self._settings = settings

    async def start(
        self,
        caller: ApiKey,
        submission: ClaimSubmission,
        idempotency_key: str | None,
        now: dt.datetime,
        *,
        claim_id: uuid.UUID | None = None,
        files: Sequence[SubmittedFile] = (),
    ) -> Started:
        """Start the claim's workflow, or find the one an earlier request with this key
        started. `claim_id` is `claim_id_for(caller, idempotency_key)`, given when files were
        already stored under it; `files` are their references."""
        claim_id = claim_id or claim_id_for(caller, idempotency_key)
        # Taken before the workflow starts, so the answer carries it; the same claim id (a
        # retry with the same Idempotency-Key, after any crash) finds the same number.
        async with self._engine.begin() as conn:
            number = await claim_numbers.take(conn=conn, claim_id=claim_id, year=now.year)
        return await start_claim(
            client=self._client,
            settings=self._settings,
            caller=caller,
            submission=submission,
            now=now,
            claim_id=claim_id,
            claim_number=number,
            files=files,
        )


async def start_claim(
    *,
    client: Client,
    settings: Settings,
    caller: ApiKey,
    submission: ClaimSubmission,
    now: dt.datetime,
    claim_id: uuid.UUID,
    claim_number: str,
    files: Sequence[SubmittedFile] = (),
) -> Started:
    """Start the claim's workflow, or find the one an earlier request with this id started."""
    workflow_id = workflow_id_for(claim_id)
    digest = request_hash(submission, files)
    try:
        await client.start_workflow(
            WORKFLOW_NAME,
            ClaimWorkflowInput(
                claim_id=claim_id,
                submission=submission,
                submitted_at=now,
                config=claim_config(settings),
                submitted_by=caller.name,
                files=list(files),
            ),
            id=workflow_id,
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            memo={
                "request_hash": digest,
                "submitted_at": now.isoformat(),
                "claim_number": claim_number,
            },
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.CLAIM_STATUS, "submitted"),
                    SearchAttributePair(sa.CLAIM_TYPE, str(submission.claim_type)),
                    SearchAttributePair(sa.CLAIM_AMOUNT, float(submission.amount)),
                    SearchAttributePair(sa.POLICY_NUMBER, submission.policy_number),
                    SearchAttributePair(sa.ESCALATED, False),
                ]
            ),
            static_summary=(
                f"{claim_number}: {submission.claim_type} claim of {submission.amount} "
                f"{submission.currency} on policy {submission.policy_number}"
            ),
        )
    except WorkflowAlreadyStartedError:
        # An earlier request with this key started the claim (it may be running or finished).
        pass
    else:
        return Started(StartOutcome.STARTED, claim_id, claim_number, workflow_id, now)
    memo = await _memo_of(client.get_workflow_handle(workflow_id))
    submitted_at = dt.datetime.fromisoformat(str(memo.get("submitted_at", now.isoformat())))
    outcome = StartOutcome.REPLAYED if memo.get("request_hash") == digest else StartOutcome.CONFLICT
    return Started(outcome, claim_id, claim_number, workflow_id, submitted_at)
