"""What the document sweep and erasure look for: unfinished uploads, objects no row names, claims
not admitted yet, and every file of a claim (activities/document_sweep.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import rows
from infra.store.documents import WITHOUT_TEXT, DocumentRow
from infra.tables import claim, document


async def stale_uploads(
    *, conn: AsyncConnection, older_than: dt.datetime, claim_id: uuid.UUID | None = None
) -> list[DocumentRow]:
    """Files whose object was never completely stored, begun before `older_than`."""
    query = sa.select(*WITHOUT_TEXT).where(
        document.c.object_key.is_not(None),
        document.c.stored_at.is_(None),
        document.c.created_at < older_than,
    )
    if claim_id is not None:
        query = query.where(document.c.claim_id == claim_id)
    return rows.every(DocumentRow, (await conn.execute(query)).mappings())


async def known_object_keys(*, conn: AsyncConnection, keys: Sequence[str]) -> set[str]:
    """Which of these object keys a row still names."""
    if not keys:
        return set()
    query = sa.select(document.c.object_key).where(document.c.object_key.in_(keys))
    return {key for (key,) in await conn.execute(query)}


async def recorded_claims(
    *, conn: AsyncConnection, claim_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these claims have their row (a claim not yet admitted has none)."""
    if not claim_ids:
        return set()
    query = sa.select(claim.c.claim_id).where(claim.c.claim_id.in_(claim_ids))
    return {found for (found,) in await conn.execute(query)}


async def every_file_of(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[DocumentRow]:
    """Every file row of the claim, taken or not, stored or not."""
    query = sa.select(*WITHOUT_TEXT).where(
        document.c.claim_id == claim_id, document.c.object_key.is_not(None)
    )
    return rows.every(DocumentRow, (await conn.execute(query)).mappings())


async def remove_all(*, conn: AsyncConnection, claim_id: uuid.UUID) -> None:
    await conn.execute(sa.delete(document).where(document.c.claim_id == claim_id))
