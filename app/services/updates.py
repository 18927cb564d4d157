"""Sending a command to a claim's workflow as an update, and reading its refusal.

The validator refuses what the claim cannot take before it enters the history; this module
turns that refusal (or Temporal's silence) into a `ServiceError`. Nothing here waits longer than
the caller's budget (`CLAIMS_UPDATE_WAIT_S`): a claim that has not answered by then is pending.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from app.services.errors import (
    CatchingUpError,
    ClaimNotReadyError,
    ConflictError,
    ForbiddenError,
    InvalidFieldError,
    MovedOnError,
    ServiceError,
    TemporalUnavailableError,
)
from claims.lifecycle import ClaimStatus, ErrorType
from contracts import ClaimState, workflow_id_for

log = logging.getLogger(__name__)

OWN_CLAIM = "you submitted this claim; another adjuster or admin must decide it"

# Refusals a workflow gives for a moment after a crash: its Postgres steps run as local
# activities, so the row can show a step (awaiting review, parked) that the replaying
# workflow has not reached again yet. The row is ahead; the claim will take the request soon.
_ROW_AHEAD: dict[str, ClaimStatus] = {
    ErrorType.CLAIM_NOT_AWAITING_REVIEW: ClaimStatus.AWAITING_REVIEW,
    ErrorType.CLAIM_NOT_PARKED: ClaimStatus.NEEDS_ATTENTION,
}


# Statuses a claim reaches only after a person (or the model) has decided it.
_MOVED_ON = frozenset(
    str(s)
    for s in (
        ClaimStatus.APPROVED,
        ClaimStatus.PAYING,
        ClaimStatus.PAID,
        ClaimStatus.REJECTED,
        ClaimStatus.CANCELLED,
        ClaimStatus.AWAITING_INFO,
    )
)


def _details(cause: ApplicationError) -> dict[str, str]:
    """The validator's details (a dict), when its build sends them; empty from older ones."""
    first = cause.details[0] if cause.details else None
    return (
        {str(k): str(v) for k, v in first.items() if v is not None}
        if isinstance(first, dict)
        else {}
    )


@dataclass(frozen=True)
class Known:
    """What authorizing a command read: the claim's status, and whether its row exists."""

    status: str
    recorded: bool
    submitted_by: str | None = None


@dataclass(frozen=True)
class Sent:
    state: ClaimState | None
    accepted: bool


class ClaimUpdates:
    """Updates to claims' workflows, each answered within `wait_s` or reported pending."""

    def __init__(self, client: Client, wait_s: float) -> None:
        self._client = client
        self._wait_s = wait_s

    async def send(
        self,
        claim_id: uuid.UUID,
        known: Known,
        name: str,
        argument: Any,
        *,
        update_id: str | None = None,
    ) -> Sent:
        """Send the update; no state when the claim did not answer within `wait_s` (and
        whether it had accepted the update by then). The same `update_id` sent again is the
        same update to Temporal: it is applied once."""
        handle = self._client.get_workflow_handle(workflow_id_for(claim_id))
        accepted = False
        try:
            async with asyncio.timeout(self._wait_s):
                update = await handle.start_update(
                    name,
                    argument,
                    id=update_id,
                    wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                    result_type=ClaimState,
                )
                accepted = True
                state: ClaimState = await update.result()
                return Sent(state, accepted=True)
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            # The SDK reports our deadline cancelling its wait as its own error type.
            return Sent(None, accepted=accepted)
        except WorkflowUpdateFailedError as err:
            raise _refusal(err, claim_id, known) from err
        except RPCError as err:
            if err.status is RPCStatusCode.NOT_FOUND:
                # The workflow has finished (someone's decision ended it, perhaps a moment ago:
                # the row read before may not show it): no update can reach it any more.
                raise MovedOnError(f"claim {claim_id} has finished") from err
            # The caller gets a 503; the operator needs to know what Temporal said (ids and
            # Temporal's own words only: no claim data is in them).
            log.warning(
                "update %s of claim %s: Temporal answered %s: %s",
                name,
                claim_id,
                err.status.name if err.status else None,
                err.message,
            )
            if err.status is RPCStatusCode.FAILED_PRECONDITION:
                # WorkflowNotReady: the workflow task that was to carry the update failed or
                # timed out (a busy or restarting worker). The update was not admitted.
                raise ClaimNotReadyError(
                    f"claim {claim_id} could not take the request just now; retry in a moment"
                ) from err
            raise TemporalUnavailableError("Temporal is unavailable") from err


def _moved_on(cause: ApplicationError) -> MovedOnError | None:
    """Another person's request reached the claim first (say whose, never "catching up"), or
    the claim is past its review while its row may not show it yet."""
    where = _details(cause)
    if where.get("by"):
        return MovedOnError(
            cause.message,
            by=where["by"],
            decision=where.get("decision"),
            approved_amount=where.get("approved_amount"),
        )
    if where.get("status") in _MOVED_ON:
        return MovedOnError(cause.message)
    return None


def _refusal(err: WorkflowUpdateFailedError, claim_id: uuid.UUID, known: Known) -> ServiceError:
    """The validator's refusal: 409 for the wrong state (or one the row shows is coming),
    422 for a bad review."""
    cause = err.cause
    if not isinstance(cause, ApplicationError):
        return ConflictError(str(cause or err))
    if cause.type == ErrorType.OWN_CLAIM:
        return ForbiddenError(OWN_CLAIM)
    if cause.type == ErrorType.INVALID_REVIEW:
        # Every review the validator refuses is about the approved amount.
        return InvalidFieldError("approved_amount", cause.message)
    moved = _moved_on(cause)
    if moved is not None:
        return moved
    if _ROW_AHEAD.get(cause.type or "") == known.status:
        return CatchingUpError(
            f"claim {claim_id} is {known.status} but its workflow is still catching up "
            f"after a restart ({cause.message}); retry in a moment"
        )
    return ConflictError(cause.message)
