"""The review queue's filters, read from a query string as hostile input.

Every field is checked and a bad one is named (the page answers 422 and says which), so no
query string can fail the page. What a role sees: adjusters the claims waiting for review or
information; admins those parked in needs_attention too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncEngine

from claims.lifecycle import ClaimStatus
from claims.models import ClaimType
from claims.routing import ReviewReason
from infra.store import review_queue
from infra.store.review_queue import QueueFilter, QueueRow

PAGE_SIZE = 25
MAX_PAGE = 10_000
MAX_AMOUNT = Decimal("1000000000000")
ADJUSTER_STATES = (ClaimStatus.AWAITING_REVIEW, ClaimStatus.AWAITING_INFO)
ADMIN_STATES = (*ADJUSTER_STATES, ClaimStatus.NEEDS_ATTENTION)
REASONS = tuple(ReviewReason)
ESCALATED = {"": None, "yes": True, "no": False}


class BadFilterError(ValueError):
    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class QueueQuery:
    """The filters as the form shows them back, and the store's filter they stand for."""

    state: str
    claim_type: str
    min_amount: str
    max_amount: str
    escalated: str
    reason: str
    page: int
    held: str = ""  # "me", "nobody", or "" for either
    me: str = ""

    def store_filter(self, states: tuple[ClaimStatus, ...], *, with_state: bool) -> QueueFilter:
        chosen = [self.state] if with_state and self.state else [str(s) for s in states]
        return QueueFilter(
            statuses=chosen,
            claim_type=self.claim_type or None,
            min_amount=Decimal(self.min_amount) if self.min_amount else None,
            max_amount=Decimal(self.max_amount) if self.max_amount else None,
            escalated=ESCALATED[self.escalated],
            reason=self.reason or None,
            assignee={"me": self.me, "nobody": ""}.get(self.held),
        )


def amount_field(name: str, raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadFilterError(name, "must be a number, like 1500 or 1500.50") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise BadFilterError(name, "must be between 0 and 1,000,000,000,000")
    return str(value)


def choice_field(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw and raw not in allowed:
        raise BadFilterError(name, f"must be one of: {', '.join(allowed)}")
    return raw


def parse(params: dict[str, str], states: tuple[ClaimStatus, ...], me: str = "") -> QueueQuery:
    """The queue query from `params`; BadFilterError names the first bad field."""
    page_raw = params.get("page", "1").strip() or "1"
    if not page_raw.isdigit() or not 1 <= int(page_raw) <= MAX_PAGE:
        raise BadFilterError("page", f"must be a whole number from 1 to {MAX_PAGE}")
    query = QueueQuery(
        state=choice_field("state", params.get("state", ""), tuple(str(s) for s in states)),
        claim_type=choice_field("type", params.get("type", ""), tuple(ClaimType)),
        min_amount=amount_field("min_amount", params.get("min_amount", "")),
        max_amount=amount_field("max_amount", params.get("max_amount", "")),
        escalated=choice_field("escalated", params.get("escalated", ""), ("yes", "no")),
        reason=choice_field("reason", params.get("reason", ""), REASONS),
        page=int(page_raw),
        held=choice_field("held", params.get("held", ""), ("me", "nobody")),
        me=me,
    )
    if (
        query.min_amount
        and query.max_amount
        and Decimal(query.min_amount) > Decimal(query.max_amount)
    ):
        raise BadFilterError("max_amount", "must be at least min_amount")
    return query


EMPTY = QueueQuery("", "", "", "", "", "", 1)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue (each row's due time included) and the count per state."""

    rows: list[QueueRow]
    counts: dict[str, int]
    has_next: bool


class ReviewQueue:
    """What waits for a person, most urgent first (infra/store/review_queue.py orders it)."""

    def __init__(self, engine: AsyncEngine, default_sla: dt.timedelta) -> None:
        self._engine = engine
        self._sla = default_sla

    async def page(self, query: QueueQuery, states: tuple[ClaimStatus, ...]) -> QueuePage:
        async with self._engine.connect() as conn:
            rows = await review_queue.page(
                conn=conn,
                where=query.store_filter(states, with_state=True),
                default_sla=self._sla,
                offset=(query.page - 1) * PAGE_SIZE,
                limit=PAGE_SIZE + 1,
            )
            counts = await review_queue.counts(
                conn=conn, where=query.store_filter(states, with_state=False), default_sla=self._sla
            )
        return QueuePage(
            rows=rows[:PAGE_SIZE],
            counts=dict(counts),
            has_next=len(rows) > PAGE_SIZE,
        )
