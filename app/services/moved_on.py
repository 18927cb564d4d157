"""The answer to a request someone else's decision beat: who decided what, and when, and where
the claim is now, in a sentence the API and the console both give."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.errors import MovedOnError
from app.services.wording import money, utc
from claims.lifecycle import EventType
from infra.store import claims as claim_store

_DECIDING_EVENTS = frozenset({str(EventType.REVIEWED), str(EventType.CANCELLED)})
_DONE = {
    "approve": "approved this claim",
    "reject": "rejected this claim",
    "request_info": "asked the claimant for more information on this claim",
    "cancel": "cancelled this claim",
}


def moved_on_sentence(moved: MovedOnError, status: str | None) -> str:
    """'dev-adjuster-2 approved this claim (4,000.00) at 2026-12-06 14:02 UTC; the claim is now
    paying; your request was not applied.'"""
    now = f"the claim is now {status}; " if status else ""
    if moved.by is None:
        where = f"The claim is now {status}" if status else moved.detail
        return f"{where}; your request was not applied."
    done = _DONE.get(moved.decision or "", f"decided this claim ({moved.decision})")
    amount = f" ({money(moved.approved_amount)})" if moved.approved_amount else ""
    when = f"at {moved.at}" if moved.at else "just now"
    return f"{moved.by} {done}{amount} {when}; {now}your request was not applied."


async def who_moved_it(
    engine: AsyncEngine, claim_id: uuid.UUID, moved: MovedOnError
) -> MovedOnError:
    """The refusal in words: who decided what, and when (from the audit trail when the
    claim's refusal did not name them: it had already recorded the decision), and where
    the claim is now."""
    async with engine.connect() as conn:
        row = await claim_store.get(conn=conn, claim_id=claim_id)
        events = [] if moved.by else await claim_store.list_events(conn=conn, claim_id=claim_id)
    facts = moved
    last = next((e for e in reversed(events) if e.type in _DECIDING_EVENTS), None)
    if last is not None:
        detail = last.detail
        facts = MovedOnError(
            moved.detail,
            by=detail.get("adjuster") or detail.get("by"),
            decision=detail.get("decision") or "cancel",
            approved_amount=detail.get("approved_amount"),
            at=utc(last.at),
        )
    # A decision made just now (named by the claim) may not be on the row yet.
    status = row.status if row is not None and moved.by is None else None
    return MovedOnError(
        moved_on_sentence(facts, status),
        by=facts.by,
        decision=facts.decision,
        approved_amount=facts.approved_amount,
        at=facts.at,
    )
