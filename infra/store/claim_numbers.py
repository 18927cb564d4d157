"""Human claim numbers: `CLM-<year>-<6 digits>`, unique, following submission order per year.

A number is taken once per claim id and kept: the API takes it before starting the claim's
workflow (so its answer carries it), and a retried submission (the same claim id, from the same
Idempotency-Key) finds the same number. A claim started without one (an API of an older build)
takes it when its row is written. A submission abandoned before its workflow started leaves a
gap in the sequence, as a cheque book's spoiled cheque does.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.tables import claim_number, claim_number_counter

PATTERN = re.compile(r"CLM-(\d{4})-(\d{6,})")


def formatted(year: int, seq: int) -> str:
    return f"CLM-{year}-{seq:06d}"


_NEXT_SEQ = (
    insert(claim_number_counter)
    .values(year=sa.bindparam("year"), last_seq=1)
    .on_conflict_do_update(
        index_elements=[claim_number_counter.c.year],
        set_={"last_seq": claim_number_counter.c.last_seq + 1},
    )
    .returning(claim_number_counter.c.last_seq)
)
_EXISTING = sa.select(claim_number.c.number).where(
    claim_number.c.claim_id == sa.bindparam("claim_id")
)


async def take(*, conn: AsyncConnection, claim_id: uuid.UUID, year: int) -> str:
    """The claim's number: the one it has, or the next of `year`. Idempotent; call it inside a
    transaction (the year's counter stays locked until it ends)."""
    existing = (await conn.execute(_EXISTING, {"claim_id": claim_id})).scalar_one_or_none()
    if existing is not None:
        return str(existing)
    seq = (await conn.execute(_NEXT_SEQ, {"year": year})).scalar_one()
    number = formatted(year, seq)
    inserted = await conn.execute(
        insert(claim_number)
        .values(claim_id=claim_id, number=number)
        .on_conflict_do_nothing(index_elements=[claim_number.c.claim_id])
        .returning(claim_number.c.number)
    )
    if inserted.scalar_one_or_none() is None:
        # A concurrent request for the same claim id took one first: that one is the claim's.
        return str((await conn.execute(_EXISTING, {"claim_id": claim_id})).scalar_one())
    return number


async def of(*, conn: AsyncConnection, claim_id: uuid.UUID) -> str | None:
    """The claim's number, if it has taken one."""
    found = (await conn.execute(_EXISTING, {"claim_id": claim_id})).scalar_one_or_none()
    return str(found) if found is not None else None
