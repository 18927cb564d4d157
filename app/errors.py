"""Mapping Temporal's answers to HTTP errors."""

from __future__ import annotations

from fastapi import HTTPException, status
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from claims.lifecycle import ErrorType


def field_error(location: str, message: str) -> HTTPException:
    """A 422 in FastAPI's own shape, naming the offending body field."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        detail=[{"loc": ["body", location], "msg": message, "type": "value_error"}],
    )


def not_found(claim_id: object) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"claim {claim_id} not found")


def from_update_failure(err: WorkflowUpdateFailedError) -> HTTPException:
    """A refused update: 409 for the wrong state, 422 for a bad review."""
    cause = err.cause
    if isinstance(cause, ApplicationError):
        if cause.type == ErrorType.INVALID_REVIEW:
            return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=cause.message)
        return HTTPException(status.HTTP_409_CONFLICT, detail=cause.message)
    return HTTPException(status.HTTP_409_CONFLICT, detail=str(cause or err))


def from_rpc_error(err: RPCError, claim_id: object, current_status: str) -> HTTPException:
    if err.status == RPCStatusCode.NOT_FOUND:
        # The workflow has finished: no update can reach it any more.
        return HTTPException(
            status.HTTP_409_CONFLICT, detail=f"claim {claim_id} is {current_status}"
        )
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="Temporal is unavailable")
