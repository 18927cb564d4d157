"""How an update's failure at Temporal reaches the caller (app/services/updates.py)."""

from __future__ import annotations

import uuid
from typing import Any, cast

import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from app.services.errors import ClaimNotReadyError, ConflictError, TemporalUnavailableError
from app.services.updates import ClaimUpdates, Known

KNOWN = Known("awaiting_review", recorded=True, submitted_by="portal")


class _Handle:
    def __init__(self, error: RPCError) -> None:
        self.error = error

    async def start_update(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error


class _Client:
    def __init__(self, error: RPCError) -> None:
        self.error = error

    def get_workflow_handle(self, workflow_id: str) -> _Handle:
        return _Handle(self.error)


async def _send(status: RPCStatusCode, message: str = "") -> None:
    client = cast(Client, _Client(RPCError(message, status, b"")))
    await ClaimUpdates(client, wait_s=1).send(uuid.uuid4(), KNOWN, "review", None)


async def test_a_workflow_not_ready_for_the_update_is_a_short_retry_not_an_outage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Temporal aborts an update whose workflow task failed or timed out (WorkflowNotReady,
    # FAILED_PRECONDITION): nothing was admitted, the same request succeeds a moment later.
    not_ready = (
        "Unable to perform workflow execution update due to unexpected workflow task failure."
    )
    with pytest.raises(ClaimNotReadyError) as refused:
        await _send(RPCStatusCode.FAILED_PRECONDITION, not_ready)
    assert refused.value.status_code == 503
    assert refused.value.retry_after_s == 1
    assert "Temporal is unavailable" not in refused.value.detail
    # The operator reads what Temporal said.
    assert not_ready in caplog.text


async def test_a_finished_workflow_is_a_conflict_and_anything_else_an_outage() -> None:
    with pytest.raises(ConflictError):
        await _send(RPCStatusCode.NOT_FOUND)
    with pytest.raises(TemporalUnavailableError):
        await _send(RPCStatusCode.UNAVAILABLE, "connection refused")
