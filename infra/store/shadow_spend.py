"""Shadow spend against each model's daily budget: reserved before the call, settled after.

`reserve` takes a lock per model (held to the commit) and admits a reservation only if the
day's committed spend (settled amounts, and reservations not yet settled) plus this one fits
the budget, so shadows started at once cannot all pass a check and then all spend. A shadow's
row is unique: a retried reservation finds its own and is admitted again, a retried settlement
changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.tables import shadow_spend

_spend = shadow_spend.c
RESERVED, SETTLED, RELEASED = "reserved", "settled", "released"


class ShadowKey(NamedTuple):
    """One shadow: its claim, assessment round, model and prompt version."""

    claim_id: uuid.UUID
    round: int
    model: str
    prompt_version: str


def _shadow(key: ShadowKey) -> sa.ColumnElement[bool]:
    return sa.and_(
        _spend.claim_id == key.claim_id,
        _spend.round == key.round,
        _spend.model == key.model,
        _spend.prompt_version == key.prompt_version,
    )


async def reserve(
    *, conn: AsyncConnection, key: ShadowKey, amount: Decimal, budget: Decimal, day: dt.date
) -> bool:
    """Reserve `amount` of `model`'s budget for `day`; False when it does not fit."""
    await conn.execute(
        sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("shadow-spend:" + key.model)))
    )
    mine = await conn.scalar(sa.select(_spend.status).where(_shadow(key)))
    if mine is not None:
        return bool(mine != RELEASED)
    committed = await conn.scalar(
        sa.select(
            sa.func.coalesce(
                sa.func.sum(sa.func.coalesce(_spend.spent_usd, _spend.reserved_usd)), 0
            )
        ).where(_spend.model == key.model, _spend.day == day, _spend.status != RELEASED)
    )
    if Decimal(str(committed)) + amount > budget:
        return False
    await conn.execute(
        sa.insert(shadow_spend).values(
            **key._asdict(),
            day=day,
            reserved_usd=amount,
            status=RESERVED,
        )
    )
    return True


async def settle(*, conn: AsyncConnection, key: ShadowKey, spent: Decimal | None) -> None:
    """Settle a reservation to what the shadow cost: `spent`, or the reservation itself when
    the cost is unknown (a call may have been billed)."""
    await conn.execute(
        sa.update(shadow_spend)
        .where(_shadow(key), _spend.status == RESERVED)
        .values(
            status=SETTLED,
            spent_usd=_spend.reserved_usd if spent is None else spent,
            settled_at=sa.func.now(),
        )
    )


async def release(*, conn: AsyncConnection, key: ShadowKey) -> None:
    """Give a reservation back: no call was made, nothing was spent."""
    await conn.execute(
        sa.update(shadow_spend)
        .where(_shadow(key), _spend.status == RESERVED)
        .values(status=RELEASED, spent_usd=0, settled_at=sa.func.now())
    )
