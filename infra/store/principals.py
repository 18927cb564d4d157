"""The API keys' principals with their current roles, for authorization at use.

The API writes the configured principals when it starts: each one active with its role, and
every principal no longer configured inactive. Deliveries read it when they are made, so a
demoted principal stops hearing about other principals' claims, and a removed one's
subscriptions pause, without anything being rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.api_keys import ApiKey
from infra.store import rows
from infra.tables import principal


async def sync(*, conn: AsyncConnection, keys: Iterable[ApiKey]) -> None:
    """Make `keys`' principals the active ones, with their roles."""
    roles = {key.name: str(key.role) for key in keys}
    if roles:
        statement = insert(principal).values(
            [{"name": name, "role": role, "active": True} for name, role in roles.items()]
        )
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=[principal.c.name],
                set_={"role": statement.excluded.role, "active": True, "updated_at": sa.func.now()},
            )
        )
    await conn.execute(
        sa.update(principal)
        .where(principal.c.name.not_in(list(roles)), principal.c.active)
        .values(active=False, updated_at=sa.func.now())
    )


@dataclass(frozen=True, slots=True)
class PrincipalRow:
    name: str
    role: str
    active: bool


async def get(*, conn: AsyncConnection, name: str) -> PrincipalRow | None:
    """One principal as the API last wrote it."""
    result = await conn.execute(sa.select(principal).where(principal.c.name == name))
    return rows.one(PrincipalRow, result.mappings().one_or_none())
