"""A step that cannot succeed parks its claim where an operator sees it, and an admin's retry
(or cancel) recovers it; a step that keeps failing transiently is flagged, never failed."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import sqlalchemy
from temporalio.client import WorkflowExecutionStatus

from claims.lifecycle import EventType
from contracts import search_attributes as sa
from contracts import workflow_id_for
from infra.tables import notification
from tests.support import faults
from tests.support.api import ADJUSTER, ADMIN, SUBMITTER, add_document, review, wait_for_claim
from tests.support.parking import FAST, NEEDS_REVIEW, Submission
from tests.support.stack import Stack
from tools import samples as f
from tools.waiting import wait_for


@pytest.fixture
async def parking_stack(make_stack: Any) -> AsyncIterator[Stack]:
    async with make_stack(**FAST) as stack:
        yield stack


async def _notifications(stack: Stack, claim_id: uuid.UUID) -> list[str]:
    async with stack.engine.connect() as conn:
        rows = await conn.execute(
            sqlalchemy.select(notification.c.kind).where(notification.c.claim_id == claim_id)
        )
        return [row.kind for row in rows]


def _types(claim: dict[str, Any]) -> list[str]:
    return [event["type"] for event in claim["events"]]


async def _until(predicate: Callable[[], Awaitable[bool]]) -> None:
    await wait_for(predicate, what=getattr(predicate, "__name__", "the condition"))


async def test_a_permanently_failing_step_parks_the_claim_until_an_admin_retries(
    parking_stack: Stack,
) -> None:
    claim = Submission(parking_stack)
    http = parking_stack.http
    async with faults.refuse_event(
        parking_stack.engine, claim.claim_id, EventType.REVIEWED
    ) as fault:
        await claim.submit(amount=NEEDS_REVIEW)
        await wait_for_claim(http, claim.claim_id, {"awaiting_review"})
        answered = await review(http, str(claim.claim_id), decision="approve", note="fine")
        # The review cannot be recorded: the call answers in bounded time instead of hanging.
        assert answered.status_code == 202, answered.text
        assert answered.headers["Location"] == f"/v1/claims/{claim.claim_id}"

        parked = await wait_for_claim(http, claim.claim_id, {"needs_attention"})
        [event] = [e for e in parked["events"] if e["type"] == "needs_attention"]
        assert event["detail"]["step"] == "Record reviewed, approved"
        assert event["detail"]["error_type"] == "StepFailed"
        assert "CheckViolation" in event["detail"]["error"]
        assert event["detail"]["resume_status"] == "awaiting_review"
        assert await claim.search_attribute(sa.CLAIM_STATUS) == "needs_attention"
        listed = await http.get("/v1/claims", params={"status": "needs_attention"}, headers=ADMIN)
        assert str(claim.claim_id) in {item["claim_id"] for item in listed.json()["items"]}
        # Operators hear of it: a notification in the outbox, and the status gauge.
        assert "claim_needs_attention" in await _notifications(parking_stack, claim.claim_id)
        scraped = (await http.get("/metrics")).text
        assert re.search(r'claims_by_status\{status="needs_attention"\} [1-9]', scraped)

        # Only an admin may retry; a retry before the fix parks the claim again.
        assert (await claim.retry(ADJUSTER)).status_code == 403
        assert (await claim.retry()).status_code in (200, 202)

        async def parked_twice() -> bool:
            current = await claim.get()
            parks = _types(current).count("needs_attention")
            return parks == 2 and current["status"] == "needs_attention"

        await _until(parked_twice)
        await fault.fix()
        retried = await claim.retry()
        # The answer comes once the claim is back on its way, on the row too.
        assert retried.status_code == 200, retried.text
        assert retried.json()["status"] != "needs_attention"
        assert _types(retried.json()).count("retried") == 2

    paid = await wait_for_claim(http, claim.claim_id, {"paid"})
    types = _types(paid)
    assert types[types.index("review_requested") :] == [
        "review_requested",
        "needs_attention",
        "retried",
        "needs_attention",
        "retried",
        "reviewed",
        "approved",
        "payment_started",
        "paid",
    ]
    assert paid["payment"]["status"] == "settled"
    assert await claim.search_attribute(sa.CLAIM_STATUS) == "paid"
    # Nothing is parked any more: a retry is a conflict.
    assert (await claim.retry()).status_code == 409


async def test_a_parked_claim_can_be_cancelled(parking_stack: Stack) -> None:
    claim = Submission(parking_stack)
    http = parking_stack.http
    # Auto-approved, but its approval cannot be recorded.
    async with faults.refuse_event(claim.engine, claim.claim_id, EventType.APPROVED):
        await claim.submit()
        await wait_for_claim(http, claim.claim_id, {"needs_attention"})
        cancelled = await http.post(
            f"/v1/claims/{claim.claim_id}/cancel", headers=SUBMITTER, json={"reason": "stuck"}
        )
        assert cancelled.status_code == 202, cancelled.text
        final = await wait_for_claim(http, claim.claim_id, {"cancelled"})
    assert final["payment"] is None
    assert "approved" not in _types(final)
    assert _types(final)[-2:] == ["needs_attention", "cancelled"]


async def test_a_step_failing_transiently_is_flagged_then_recovers_by_itself(
    parking_stack: Stack,
) -> None:
    claim = Submission(parking_stack)
    http = parking_stack.http
    async with faults.conflict_on_event(
        parking_stack.engine, claim.claim_id, EventType.APPROVED
    ) as fault:
        await claim.submit()

        async def flagged() -> bool:
            return bool(await claim.search_attribute(sa.STEP_RETRYING))

        await _until(flagged)

        async def listed() -> bool:
            page = await http.get("/v1/claims", params={"retrying": "true"}, headers=ADMIN)
            return str(claim.claim_id) in {item["claim_id"] for item in page.json()["items"]}

        await _until(listed)
        operators_only = await http.get(
            "/v1/claims", params={"retrying": "true"}, headers=SUBMITTER
        )
        assert operators_only.status_code == 403
        # Still retrying, never parked: an outage pauses a claim, it does not need an operator.
        assert (await claim.get())["status"] != "needs_attention"
        await fault.fix()
        paid = await wait_for_claim(http, claim.claim_id, {"paid"})
    assert "needs_attention" not in _types(paid)
    assert _types(paid).count("approved") == 1
    assert await claim.search_attribute(sa.STEP_RETRYING) is False


async def test_a_cancel_that_cannot_be_recorded_never_reads_as_cancelled(
    parking_stack: Stack,
) -> None:
    # Once a NUL in a cancel reason wedged claims: the API said cancelled, the row did not.
    claim = Submission(parking_stack)
    http = parking_stack.http
    async with faults.refuse_event(
        parking_stack.engine, claim.claim_id, EventType.CANCELLED
    ) as fault:
        await claim.submit(amount=NEEDS_REVIEW)
        await wait_for_claim(http, claim.claim_id, {"awaiting_review"})
        answered = await http.post(
            f"/v1/claims/{claim.claim_id}/cancel", headers=SUBMITTER, json={"reason": "dup"}
        )
        assert answered.status_code == 202
        assert answered.json()["status"] != "cancelled"
        parked = await wait_for_claim(http, claim.claim_id, {"needs_attention"})
        assert "cancelled" not in _types(parked)
        await fault.fix()
        assert (await claim.retry()).status_code in (200, 202)
        final = await wait_for_claim(http, claim.claim_id, {"cancelled"})
    assert _types(final)[-3:] == ["needs_attention", "retried", "cancelled"]


async def test_an_update_answers_in_bounded_time_when_no_worker_runs(
    parking_stack: Stack,
) -> None:
    # A claim on a task queue no worker polls: its update can never be answered.
    stranded = Stack(
        client=parking_stack.client,
        engine=parking_stack.engine,
        settings=parking_stack.settings.model_copy(update={"task_queue": "nobody-polls"}),
        http=parking_stack.http,
    )
    handle = await stranded.start(f.submission("P-1"))
    claim_id = handle.id.removeprefix("claim-")
    answered = await parking_stack.http.post(
        f"/v1/claims/{claim_id}/cancel", headers=SUBMITTER, json={"reason": "no answer"}
    )
    assert answered.status_code == 202, answered.text
    assert answered.headers["Location"] == f"/v1/claims/{claim_id}"
    assert answered.json()["status"] == "submitted"
    document = await parking_stack.http.post(
        f"/v1/claims/{claim_id}/documents", headers=SUBMITTER, json={"name": "a.txt", "text": "x"}
    )
    # The claim row was never written (no worker): a conflict to retry, never a 500.
    assert document.status_code == 409, document.text
    assert "not recorded yet" in document.json()["detail"]
    await handle.terminate("test over")


async def test_a_parked_document_step_then_a_retry_leaves_the_claim_reviewable(
    parking_stack: Stack,
) -> None:
    """A handler's step that parks holds the claim: the flow does not move on under it."""
    claim = Submission(parking_stack)
    http = parking_stack.http
    await claim.submit(amount=NEEDS_REVIEW)
    await wait_for_claim(http, claim.claim_id, {"awaiting_review"})
    asked = await review(
        http, str(claim.claim_id), decision="request_info", message_to_claimant="receipt?"
    )
    assert asked.status_code == 200, asked.text
    await wait_for_claim(http, claim.claim_id, {"awaiting_info"})
    async with faults.refuse_event(claim.engine, claim.claim_id, EventType.DOCUMENT_ADDED) as fault:
        added = await add_document(http, str(claim.claim_id), "Receipt: 6000.00 paid in cash.")
        assert added.status_code == 202, added.text
        parked = await wait_for_claim(http, claim.claim_id, {"needs_attention"})
        assert "information_received" not in _types(parked)
        await fault.fix()
        assert (await claim.retry()).status_code == 200
    back = await wait_for_claim(http, claim.claim_id, {"awaiting_review"})
    assert _types(back).count("document_added") == 1
    approved = await review(http, str(claim.claim_id), decision="approve")
    assert approved.status_code == 200, approved.text
    assert (await wait_for_claim(http, claim.claim_id, {"paid"}))["status"] == "paid"


async def test_a_parking_event_that_cannot_be_written_does_not_fail_the_claim(
    parking_stack: Stack,
) -> None:
    """The needs_attention write is best effort: its failure leaves the claim parked, not failed."""
    claim = Submission(parking_stack)
    http = parking_stack.http
    async with (
        faults.refuse_event(claim.engine, claim.claim_id, EventType.APPROVED) as approved,
        faults.refuse_event(claim.engine, claim.claim_id, EventType.NEEDS_ATTENTION) as parking,
    ):
        await claim.submit()

        async def parked() -> bool:
            status = await claim.search_attribute(sa.CLAIM_STATUS)
            return bool(status == "needs_attention")

        await _until(parked)
        handle = parking_stack.client.get_workflow_handle(workflow_id_for(claim.claim_id))
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
        await approved.fix()
        await parking.fix()
        assert (await claim.retry()).status_code == 200
    paid = await wait_for_claim(http, claim.claim_id, {"paid"})
    assert "needs_attention" not in _types(paid)
    assert "retried" in _types(paid)


async def test_a_parked_claim_is_explained_to_both_roles_and_retried_from_the_console(
    parking_stack: Stack,
) -> None:
    import html

    from tests.support.console import console_for

    claim = Submission(parking_stack)
    http = parking_stack.http
    adjuster = await console_for(http, "dev-adjuster-key")
    admin = await console_for(http, "dev-admin-key")
    async with faults.refuse_event(
        parking_stack.engine, claim.claim_id, EventType.REVIEWED
    ) as fault:
        await claim.submit(amount=NEEDS_REVIEW)
        await wait_for_claim(http, claim.claim_id, {"awaiting_review"})
        payable = (await claim.get())["payable_amount"]
        decided = await adjuster.act(str(claim.claim_id), "approve", approved_amount=payable)
        assert decided.status_code == 303
        # The decision is taken but its record fails: the adjuster is told it is parked (not
        # "still processing") once the claim has parked within the console's wait.
        location = decided.headers["location"]
        assert location.endswith(("?done=parked", "?done=pending")), location
        await wait_for_claim(http, claim.claim_id, {"needs_attention"})
        done = await adjuster.get(f"/console/claims/{claim.claim_id}", done="parked")
        seen = html.unescape(done.text)
        assert "the claim is parked" in seen
        for text in (
            "Parked: a step failed",
            "Record reviewed, approved",
            "CheckViolation",
            f"it records dev-adjuster's decision (approve {float(payable):,.2f} USD)",
            f"it pays {float(payable):,.2f} USD",
            "returns to <strong>awaiting review</strong>",
            "An admin retries it",
        ):
            assert text in seen, text
        admins = html.unescape((await admin.get(f"/console/claims/{claim.claim_id}")).text)
        assert "An admin retries it" not in admins
        assert "Retry the parked step" in admins
        await fault.fix()
        retried = await admin.act(str(claim.claim_id), "retry")
        assert retried.status_code == 303
    paid = await wait_for_claim(http, claim.claim_id, {"paid"})
    assert paid["payment"]["amount"] == payable
