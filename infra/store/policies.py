"""Policy reference data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import ReturningInsert

from claims.models import Policy
from infra.tables import policy as policy_table


def _to_policy(row: Any) -> Policy:
    return Policy.model_validate(
        {
            "policy_number": row.policy_number,
            "holder_name": row.holder_name,
            "coverages": row.coverages,
            "coverage_limit": row.coverage_limit,
            "deductible": row.deductible,
            "currency": row.currency,
            "effective_from": row.effective_from,
            "effective_to": row.effective_to,
            "status": row.status,
        }
    )


# Built once: every claim's admission reads its policy.
_GET = sa.select(policy_table).where(
    policy_table.c.policy_number == sa.bindparam("policy_number", type_=sa.String)
)


async def get(*, conn: AsyncConnection, policy_number: str) -> Policy | None:
    """Return the policy with this number, or None."""
    row = (await conn.execute(_GET, {"policy_number": policy_number})).one_or_none()
    return _to_policy(row) if row else None


async def upsert(*, conn: AsyncConnection, policy: Policy) -> bool:
    """Create or replace a policy; return True when it was created."""
    values = policy.model_dump(mode="python")
    values["coverages"] = [str(c) for c in policy.coverages]
    values["status"] = str(policy.status)
    stmt = insert(policy_table).values(**values)
    replace = {k: stmt.excluded[k] for k in values if k != "policy_number"}
    upsert_stmt: ReturningInsert[bool] = stmt.on_conflict_do_update(
        index_elements=[policy_table.c.policy_number],
        set_={**replace, "updated_at": sa.func.now()},
    ).returning(
        # xmax is 0 on a freshly inserted row version and non-zero on an updated one.
        sa.literal_column("xmax = 0").label("created")
    )
    return bool((await conn.execute(upsert_stmt)).scalar_one())
