"""The workflow's view of a claim whose Postgres row is not written yet.

Between the start of a claim's workflow and its first record, only Temporal knows the claim:
a read in that moment takes the submission from the workflow's start event (a history read,
no worker involved). Only an action's answer may ask the workflow itself (a query, which needs
a worker, so bounded by a short timeout). Once the row exists, reads never ask Temporal.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from temporalio.client import Client, WorkflowQueryFailedError, WorkflowQueryRejectedError
from temporalio.service import RPCError

from app.schemas import ClaimOut
from contracts import STATE_QUERY, ClaimState, ClaimWorkflowInput, workflow_id_for

log = logging.getLogger(__name__)

QUERY_TIMEOUT = dt.timedelta(seconds=2)


async def query_state(client: Client, claim_id: uuid.UUID) -> ClaimState | None:
    """The workflow's state, or None when it cannot be asked right now."""
    handle = client.get_workflow_handle(workflow_id_for(claim_id))
    try:
        state: ClaimState = await handle.query(
            STATE_QUERY, result_type=ClaimState, rpc_timeout=QUERY_TIMEOUT
        )
    except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError) as exc:
        # No worker polling, the workflow gone, the query timed out: the row stands. A codec
        # or key-ring failure is not one of these: it propagates and is logged as an error.
        log.debug("state query for %s unanswered: %s", claim_id, exc)
        return None
    return state


async def started_input(client: Client, claim_id: uuid.UUID) -> ClaimWorkflowInput | None:
    """The workflow's start input (the submission), or None when no such workflow exists."""
    handle = client.get_workflow_handle(workflow_id_for(claim_id))
    try:
        async for event in handle.fetch_history_events(page_size=1):
            started = event.workflow_execution_started_event_attributes
            decoded = await client.data_converter.decode(
                started.input.payloads, [ClaimWorkflowInput]
            )
            value = decoded[0]
            return value if isinstance(value, ClaimWorkflowInput) else None
    except RPCError:
        return None
    return None


def from_workflow(
    workflow_input: ClaimWorkflowInput, state: ClaimState | None, claim_number: str | None
) -> ClaimOut:
    """A view built from the workflow alone, before the claim row exists (its number is taken
    before its workflow starts)."""
    sub = workflow_input.submission
    return ClaimOut(
        claim_id=workflow_input.claim_id,
        claim_number=claim_number,
        workflow_id=workflow_id_for(workflow_input.claim_id),
        policy_number=sub.policy_number,
        claim_type=sub.claim_type,
        amount=sub.amount,
        currency=sub.currency,
        status=state.status if state else "submitted",
        payable_amount=state.payable_amount if state else None,
        approved_amount=state.approved_amount if state else None,
        escalated=state.escalated if state else False,
        submitted_at=workflow_input.submitted_at,
        submitted_by=workflow_input.submitted_by,
        updated_at=None,
        claimant=sub.claimant,
        incident_date=sub.incident_date,
        description=sub.description,
        decision=None,
        payment=None,
        events=[],
    )
