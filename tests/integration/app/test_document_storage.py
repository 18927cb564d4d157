"""A document is stored with no orphan on any path: taken, pending (202), refused, cut off.

The API stores a document unattached; the claim attaches it in the step that records
`document_added`; a refusal deletes it; what a claim never took is deleted when it ends. No
read shows a document the claim has not taken.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from claims.lifecycle import EventType
from infra.store import documents
from infra.tables import claim as claim_table
from infra.tables import document
from tests.support import faults
from tests.support.api import ADJUSTER, TERMINAL, add_document, review, wait_for_claim
from tests.support.parking import FAST, NEEDS_REVIEW, Submission
from tests.support.stack import Stack
from tools.waiting import wait_for

DOCUMENT_ADDED = EventType.DOCUMENT_ADDED


@pytest.fixture
async def slow_answers(make_stack: Any) -> AsyncIterator[Stack]:
    async with make_stack(**FAST) as stack:
        yield stack


async def stored(stack: Stack, claim_id: uuid.UUID) -> list[tuple[str, bool]]:
    """Every document row of the claim: (name, attached)."""
    async with stack.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(document.c.name, document.c.attached_at)
            .where(document.c.claim_id == claim_id)
            .order_by(document.c.created_at)
        )
    return [(row.name, row.attached_at is not None) for row in rows]


async def shown(stack: Stack, claim_id: uuid.UUID) -> list[str]:
    body = (await stack.http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)).json()
    return [d["name"] for d in body["documents"]]


async def awaiting_info(stack: Stack) -> Submission:
    claim = Submission(stack)
    await claim.submit(amount=NEEDS_REVIEW)
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_review"})
    asked = await review(
        stack.http, str(claim.claim_id), decision="request_info", message_to_claimant="receipt?"
    )
    assert asked.status_code == 200, asked.text
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_info"})
    return claim


async def test_a_document_the_claim_took_is_attached_and_shown(stack: Stack) -> None:
    claim = Submission(stack)
    await claim.submit(amount=NEEDS_REVIEW)
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_review"})
    added = await add_document(stack.http, str(claim.claim_id), "A receipt.", name="r.txt")
    assert added.status_code == 201, added.text
    assert await stored(stack, claim.claim_id) == [("r.txt", True)]
    assert await shown(stack, claim.claim_id) == ["r.txt"]


async def test_a_pending_document_is_hidden_until_the_claim_takes_it(
    slow_answers: Stack,
) -> None:
    stack = slow_answers
    claim = await awaiting_info(stack)
    async with faults.refuse_event(stack.engine, claim.claim_id, DOCUMENT_ADDED) as fault:
        added = await add_document(stack.http, str(claim.claim_id), "Receipt.", name="r.txt")
        assert added.status_code == 202, added.text
        await wait_for_claim(stack.http, claim.claim_id, {"needs_attention"})
        assert await stored(stack, claim.claim_id) == [("r.txt", False)]
        assert await shown(stack, claim.claim_id) == []
        await fault.fix()
        assert (await claim.retry()).status_code == 200
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_review"})
    assert await stored(stack, claim.claim_id) == [("r.txt", True)]
    assert await shown(stack, claim.claim_id) == ["r.txt"]


async def test_a_client_that_hangs_up_leaves_a_document_the_claim_still_takes(
    slow_answers: Stack,
) -> None:
    stack = slow_answers
    claim = await awaiting_info(stack)
    async with faults.refuse_event(stack.engine, claim.claim_id, DOCUMENT_ADDED) as fault:
        request = asyncio.create_task(
            add_document(stack.http, str(claim.claim_id), "Receipt.", name="r.txt")
        )
        await wait_for(lambda: stored(stack, claim.claim_id), what="the document row to be written")
        request.cancel()  # the in-process transport runs the handler in this task
        with pytest.raises(asyncio.CancelledError):
            await request
        await wait_for_claim(stack.http, claim.claim_id, {"needs_attention"})
        await fault.fix()
        assert (await claim.retry()).status_code == 200
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_review"})
    assert await stored(stack, claim.claim_id) == [("r.txt", True)]


async def test_a_document_the_claim_refuses_is_deleted_at_once(stack: Stack) -> None:
    claim = Submission(stack)
    await claim.submit()
    await wait_for_claim(stack.http, claim.claim_id, TERMINAL)
    # The row says the claim waits (a stale read); the workflow has ended and refuses.
    async with stack.engine.begin() as conn:
        await conn.execute(
            sa.update(claim_table)
            .where(claim_table.c.claim_id == claim.claim_id)
            .values(status="awaiting_review")
        )
    refused = await add_document(stack.http, str(claim.claim_id), "Late.", name="late.txt")
    assert refused.status_code == 409, refused.text
    assert await stored(stack, claim.claim_id) == []


async def test_what_a_claim_never_took_is_deleted_when_it_ends(stack: Stack) -> None:
    claim = Submission(stack)
    await claim.submit(amount=NEEDS_REVIEW)
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_review"})
    taken = await add_document(stack.http, str(claim.claim_id), "Receipt.", name="taken.txt")
    assert taken.status_code == 201, taken.text
    # Stored, but its update never reached the claim (or was refused after a 202).
    async with stack.engine.begin() as conn:
        await documents.add(
            conn=conn,
            claim_id=claim.claim_id,
            name="never.txt",
            content_type="text/plain",
            text="never sent",
            added_by="dev-submitter",
        )
    assert await shown(stack, claim.claim_id) == ["taken.txt"]
    rejected = await review(stack.http, str(claim.claim_id), decision="reject", note="no cover")
    assert rejected.status_code == 200, rejected.text
    await wait_for_claim(stack.http, claim.claim_id, {"rejected"})
    assert await stored(stack, claim.claim_id) == [("taken.txt", True)]
