"""Each claim's document data key, stored only wrapped by the payload key ring.

Made on the claim's first file and never replaced: every object of the claim opens with it.
`shred` destroys it, which is how a claimant's documents are forgotten everywhere at once.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.document_crypto import new_data_key, unwrap_key, wrap_key
from infra.encryption import KeyRing
from infra.tables import claim_key


class KeyShreddedError(LookupError):
    """The claim's key was destroyed: its documents are unreadable by design."""


async def data_key(*, conn: AsyncConnection, ring: KeyRing, claim_id: uuid.UUID) -> bytes:
    """The claim's key, made now if it has none (two concurrent makers agree on the first)."""
    ring_key_id, wrapped = wrap_key(ring, claim_id, new_data_key())
    await conn.execute(
        postgresql.insert(claim_key)
        .values(claim_id=claim_id, ring_key_id=ring_key_id, wrapped_key=wrapped)
        .on_conflict_do_nothing(index_elements=["claim_id"])
    )
    found = await existing_key(conn=conn, ring=ring, claim_id=claim_id)
    if found is None:  # pragma: no cover - inserted just above
        raise KeyShreddedError(f"claim {claim_id} has no data key")
    return found


async def existing_key(
    *, conn: AsyncConnection, ring: KeyRing, claim_id: uuid.UUID
) -> bytes | None:
    """The claim's key, or None when it never had one; KeyShreddedError once destroyed."""
    row = (
        await conn.execute(
            sa.select(claim_key.c.ring_key_id, claim_key.c.wrapped_key).where(
                claim_key.c.claim_id == claim_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    if row.wrapped_key is None:
        raise KeyShreddedError(f"claim {claim_id}'s documents were shredded")
    return unwrap_key(ring, claim_id, row.ring_key_id, row.wrapped_key)


async def shred(*, conn: AsyncConnection, claim_id: uuid.UUID) -> None:
    """Destroy the claim's key: its objects become unreadable, wherever they are."""
    await conn.execute(
        sa.update(claim_key)
        .where(claim_key.c.claim_id == claim_id)
        .values(wrapped_key=None, shredded_at=sa.func.now())
    )
