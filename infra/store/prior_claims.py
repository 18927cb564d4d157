"""A claim's earlier claims: the same policy's or the same claimant's (the `prior_claims` tool)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.tables import claim, document

# The newest this many are compared and shown: enough for a claims history, bounded for the model.
MAX_PRIOR_CLAIMS = 20


@dataclass(frozen=True)
class ClaimSketch:
    claim_id: uuid.UUID
    policy_number: str
    claimant_email: str
    claim_type: str
    incident_date: dt.date
    amount: Decimal
    status: str
    approved_amount: Decimal | None
    description: str
    submitted_at: dt.datetime
    digests: frozenset[str]


async def _digests(conn: AsyncConnection, claim_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    found: dict[uuid.UUID, set[str]] = {claim_id: set() for claim_id in claim_ids}
    if not claim_ids:
        return found
    rows = await conn.execute(
        sa.select(document.c.claim_id, document.c.sha256).where(
            document.c.claim_id.in_(claim_ids),
            document.c.sha256.is_not(None),
            document.c.attached_at.is_not(None),
        )
    )
    for row in rows:
        found[row.claim_id].add(row.sha256)
    return found


def _sketch(row: sa.Row[tuple[object, ...]], digests: set[str]) -> ClaimSketch:
    m = row._mapping
    return ClaimSketch(
        claim_id=m["claim_id"],
        policy_number=m["policy_number"],
        claimant_email=m["claimant_email"],
        claim_type=m["claim_type"],
        incident_date=m["incident_date"],
        amount=m["amount"],
        status=m["status"],
        approved_amount=m["approved_amount"],
        description=m["description"],
        submitted_at=m["submitted_at"],
        digests=frozenset(digests),
    )


async def with_prior(
    *, conn: AsyncConnection, claim_id: uuid.UUID
) -> tuple[ClaimSketch, list[ClaimSketch]] | None:
    """The claim and its earlier claims (same policy or same claimant e-mail), newest first."""
    columns = [
        claim.c.claim_id,
        claim.c.policy_number,
        claim.c.claimant_email,
        claim.c.claim_type,
        claim.c.incident_date,
        claim.c.amount,
        claim.c.status,
        claim.c.approved_amount,
        claim.c.description,
        claim.c.submitted_at,
    ]
    this = (await conn.execute(sa.select(*columns).where(claim.c.claim_id == claim_id))).first()
    if this is None:
        return None
    earlier = (
        await conn.execute(
            sa.select(*columns)
            .where(
                claim.c.claim_id != claim_id,
                claim.c.submitted_at <= this.submitted_at,
                sa.or_(
                    claim.c.policy_number == this.policy_number,
                    claim.c.claimant_email == this.claimant_email,
                ),
            )
            .order_by(claim.c.submitted_at.desc())
            .limit(MAX_PRIOR_CLAIMS)
        )
    ).all()
    digests = await _digests(conn, [claim_id, *(row.claim_id for row in earlier)])
    return (
        _sketch(this, digests[claim_id]),
        [_sketch(row, digests[row.claim_id]) for row in earlier],
    )
