"""Search across every claim, read from a query string as hostile input (a bad field is named,
never a failed page), and the claims related to one (same policy, same claimant)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.review_queue import MAX_PAGE, BadFilterError, amount_field, choice_field
from claims.lifecycle import ClaimStatus
from claims.models import ClaimType
from infra.store import claim_search
from infra.store.claim_search import FoundClaim, SearchFilter

PAGE_SIZE = 25
RELATED = 10
MAX_TEXT = 200
STATUSES = tuple(str(s) for s in ClaimStatus)
SORTS = tuple(claim_search.SORTABLE)


@dataclass(frozen=True)
class SearchQuery:
    """The search as the form shows it back."""

    q: str = ""
    policy_number: str = ""
    status: str = ""
    claim_type: str = ""
    min_amount: str = ""
    max_amount: str = ""
    submitted_from: str = ""
    submitted_to: str = ""
    sort: str = "submitted"
    order: str = "desc"
    page: int = 1

    def store_filter(self) -> SearchFilter:
        return SearchFilter(
            text=self.q or None,
            policy_number=self.policy_number or None,
            status=self.status or None,
            claim_type=self.claim_type or None,
            min_amount=Decimal(self.min_amount) if self.min_amount else None,
            max_amount=Decimal(self.max_amount) if self.max_amount else None,
            submitted_from=dt.date.fromisoformat(self.submitted_from)
            if self.submitted_from
            else None,
            submitted_to=dt.date.fromisoformat(self.submitted_to) if self.submitted_to else None,
        )


def _text(name: str, raw: str) -> str:
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise BadFilterError(name, f"must be at most {MAX_TEXT} characters")
    if any(ord(c) < 32 for c in text):
        raise BadFilterError(name, "must be plain text on one line")
    return text


def _date(name: str, raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise BadFilterError(name, "must be a date like 2026-12-31") from None


def parse(params: dict[str, str]) -> SearchQuery:
    """The search from `params`; BadFilterError names the first bad field."""
    page_raw = params.get("page", "1").strip() or "1"
    if not page_raw.isdigit() or not 1 <= int(page_raw) <= MAX_PAGE:
        raise BadFilterError("page", f"must be a whole number from 1 to {MAX_PAGE}")
    query = SearchQuery(
        q=_text("q", params.get("q", "")),
        policy_number=_text("policy_number", params.get("policy_number", "")),
        status=choice_field("status", params.get("status", ""), STATUSES),
        claim_type=choice_field("type", params.get("type", ""), tuple(ClaimType)),
        min_amount=amount_field("min_amount", params.get("min_amount", "")),
        max_amount=amount_field("max_amount", params.get("max_amount", "")),
        submitted_from=_date("submitted_from", params.get("submitted_from", "")),
        submitted_to=_date("submitted_to", params.get("submitted_to", "")),
        sort=choice_field("sort", params.get("sort", "") or "submitted", SORTS),
        order=choice_field("order", params.get("order", "") or "desc", ("asc", "desc")),
        page=int(page_raw),
    )
    low, high = query.min_amount, query.max_amount
    if low and high and Decimal(low) > Decimal(high):
        raise BadFilterError("max_amount", "must be at least min_amount")
    first, last = query.submitted_from, query.submitted_to
    if first and last and first > last:
        raise BadFilterError("submitted_to", "must be on or after submitted_from")
    return query


@dataclass(frozen=True)
class SearchPage:
    rows: list[FoundClaim]
    has_next: bool


@dataclass(frozen=True)
class Related:
    """Other claims on the same policy, and by the same claimant (most recent first)."""

    same_policy: list[FoundClaim]
    same_claimant: list[FoundClaim]


class ClaimSearch:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def find(self, query: SearchQuery) -> SearchPage:
        async with self._engine.connect() as conn:
            found = await claim_search.search(
                conn=conn,
                where=query.store_filter(),
                sort=query.sort,
                descending=query.order == "desc",
                offset=(query.page - 1) * PAGE_SIZE,
                limit=PAGE_SIZE + 1,
            )
        return SearchPage(rows=found[:PAGE_SIZE], has_next=len(found) > PAGE_SIZE)

    async def related(
        self, claim_id: uuid.UUID, policy_number: str, claimant_email: str
    ) -> Related:
        async with self._engine.connect() as conn:
            policy = await claim_search.search(
                conn=conn,
                where=SearchFilter(policy_number=policy_number, exclude=claim_id),
                limit=RELATED,
            )
            claimant = await claim_search.search(
                conn=conn,
                where=SearchFilter(claimant_email=claimant_email, exclude=claim_id),
                limit=RELATED,
            )
        return Related(same_policy=policy, same_claimant=claimant)
