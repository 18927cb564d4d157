"""Finding any claim: by its number, its claimant, its policy, its status, type, amount and
dates; sorted by a column the caller names (from a fixed list), a page at a time."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import rows
from infra.tables import claim

SORTABLE = {
    "submitted": claim.c.submitted_at,
    "number": claim.c.claim_number,
    "amount": claim.c.amount,
    "status": claim.c.status,
    "claimant": claim.c.claimant_name,
}


@dataclass(frozen=True, slots=True)
class FoundClaim:
    claim_id: uuid.UUID
    claim_number: str | None
    claimant_name: str
    claimant_email: str
    policy_number: str
    claim_type: str
    amount: Decimal
    currency: str
    status: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class SearchFilter:
    text: str | None = None  # a claim number, or part of a claimant's name or e-mail, or policy
    policy_number: str | None = None
    claimant_email: str | None = None
    status: str | None = None
    claim_type: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    exclude: uuid.UUID | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(f: SearchFilter) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if f.text:
        pattern = _like(f.text)
        found.append(
            sa.or_(
                sa.func.upper(claim.c.claim_number) == f.text.upper(),
                claim.c.claimant_name.ilike(pattern, escape="\\"),
                claim.c.claimant_email.ilike(pattern, escape="\\"),
                claim.c.policy_number.ilike(pattern, escape="\\"),
            )
        )
    exact = (
        (claim.c.policy_number, f.policy_number),
        (claim.c.claimant_email, f.claimant_email),
        (claim.c.status, f.status),
        (claim.c.claim_type, f.claim_type),
    )
    found += [column == value for column, value in exact if value]
    if f.min_amount is not None:
        found.append(claim.c.amount >= f.min_amount)
    if f.max_amount is not None:
        found.append(claim.c.amount <= f.max_amount)
    if f.submitted_from is not None:
        found.append(claim.c.submitted_at >= f.submitted_from)
    if f.submitted_to is not None:
        found.append(claim.c.submitted_at < f.submitted_to + dt.timedelta(days=1))
    if f.exclude is not None:
        found.append(claim.c.claim_id != f.exclude)
    return found


async def search(
    *,
    conn: AsyncConnection,
    where: SearchFilter,
    sort: str = "submitted",
    descending: bool = True,
    offset: int = 0,
    limit: int = 25,
) -> list[FoundClaim]:
    column = SORTABLE[sort]
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    query = (
        sa.select(*(claim.c[name] for name in FoundClaim.__slots__))
        .where(*_where(where))
        .order_by(order, claim.c.claim_id)
        .offset(offset)
        .limit(limit)
    )
    return rows.every(FoundClaim, (await conn.execute(query)).mappings())
