"""Webhook receivers' circuit breakers: one per owner and receiver host.

After repeated failures an owner's subscriptions to a host pause until `open_until` (or until
the owner resumes them). Keyed by owner too, so one tenant's failing endpoint on a shared host
never pauses (or describes) another tenant's deliveries there.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store.outbox_progress import clipped
from infra.tables import webhook_receiver, webhook_subscription

_receiver = webhook_receiver.c
_subscription = webhook_subscription.c


def same_receiver() -> sa.ColumnElement[bool]:
    """The join of a subscription to its breaker: its owner's, for its host."""
    return sa.and_(_receiver.owner == _subscription.owner, _receiver.host == _subscription.host)


async def answered(*, conn: AsyncConnection, owner: str, host: str) -> None:
    """The receiver answered `owner` (2xx or a final 4xx): that owner's breaker closes."""
    await conn.execute(
        insert(webhook_receiver)
        .values(owner=owner, host=host, failures=0)
        .on_conflict_do_update(
            index_elements=[_receiver.owner, _receiver.host],
            set_={
                "failures": 0,
                "open_until": None,
                "last_error": None,
                "updated_at": sa.func.now(),
            },
            where=_receiver.failures > 0,
        )
    )


async def failed(
    *, conn: AsyncConnection, owner: str, host: str, error: str, threshold: int, cooldown_s: float
) -> bool:
    """Count a failure of the receiver for `owner`; return whether this one opened its breaker."""
    opens_at = sa.func.now() + sa.func.make_interval(0, 0, 0, 0, 0, 0, cooldown_s)
    failures = _receiver.failures + 1
    result = await conn.execute(
        insert(webhook_receiver)
        .values(owner=owner, host=host, failures=1, last_error=clipped(error))
        .on_conflict_do_update(
            index_elements=[_receiver.owner, _receiver.host],
            set_={
                "failures": failures,
                "last_error": clipped(error),
                "updated_at": sa.func.now(),
                "open_until": sa.case(
                    (failures >= threshold, opens_at), else_=_receiver.open_until
                ),
            },
        )
        .returning(_receiver.failures)
    )
    failures_now: int = result.scalar_one()
    return failures_now == threshold


async def resume(*, conn: AsyncConnection, owner: str, host: str) -> None:
    """Close `owner`'s breaker for a receiver now (the owner says the receiver is back)."""
    await conn.execute(
        sa.update(webhook_receiver)
        .where(_receiver.owner == owner, _receiver.host == host)
        .values(failures=0, open_until=None, updated_at=sa.func.now())
    )
