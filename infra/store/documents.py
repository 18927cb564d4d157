"""Claimant documents: stored here, referenced by id everywhere else."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.store import rows
from infra.tables import document


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A stored document without its text (that is read only for the model: `texts`)."""

    document_id: uuid.UUID
    claim_id: uuid.UUID
    name: str
    content_type: str
    size_bytes: int
    added_by: str
    created_at: dt.datetime
    attached_at: dt.datetime | None


_WITHOUT_TEXT = [c for c in document.c if c.name != "text"]


async def add(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    name: str,
    content_type: str,
    text: str,
    added_by: str,
) -> uuid.UUID:
    """Store a document for a claim, not yet attached (its update decides); return its id."""
    document_id = uuid.uuid4()
    await conn.execute(
        sa.insert(document).values(
            document_id=document_id,
            claim_id=claim_id,
            name=name,
            content_type=content_type,
            text=text,
            size_bytes=len(text.encode()),
            added_by=added_by,
        )
    )
    return document_id


async def attach(*, conn: AsyncConnection, claim_id: uuid.UUID, document_id: uuid.UUID) -> None:
    """Mark the document as taken by its claim (idempotent: a step's retry sets it again)."""
    await conn.execute(
        sa.update(document)
        .where(
            document.c.document_id == document_id,
            document.c.claim_id == claim_id,
            document.c.attached_at.is_(None),
        )
        .values(attached_at=sa.func.now())
    )


# Built once: every claim's last step runs it.
_DISCARD_UNATTACHED = sa.delete(document).where(
    document.c.claim_id == sa.bindparam("match_claim_id"), document.c.attached_at.is_(None)
)


async def discard_unattached(*, conn: AsyncConnection, claim_id: uuid.UUID) -> None:
    """Delete the documents a claim never took: at its end nothing can take them any more."""
    await conn.execute(_DISCARD_UNATTACHED, {"match_claim_id": claim_id})


async def get(*, conn: AsyncConnection, document_id: uuid.UUID) -> DocumentRow | None:
    """Return the document (without its text), or None."""
    query = sa.select(*_WITHOUT_TEXT).where(document.c.document_id == document_id)
    return rows.one(DocumentRow, (await conn.execute(query)).mappings().one_or_none())


async def remove(*, conn: AsyncConnection, document_id: uuid.UUID) -> None:
    """Delete a document the claim refused (so a refusal leaves nothing behind)."""
    await conn.execute(sa.delete(document).where(document.c.document_id == document_id))


async def list_for_claim(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[DocumentRow]:
    """Return the documents the claim took (without their text), oldest first."""
    result = await conn.execute(
        sa.select(*_WITHOUT_TEXT)
        .where(document.c.claim_id == claim_id, document.c.attached_at.is_not(None))
        .order_by(document.c.created_at)
    )
    return rows.every(DocumentRow, result.mappings())


async def texts(
    *, conn: AsyncConnection, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> list[tuple[str, str]]:
    """Return (name, text) of the given documents of this claim, in the order asked."""
    if not document_ids:
        return []
    result = await conn.execute(
        sa.select(document.c.document_id, document.c.name, document.c.text).where(
            document.c.claim_id == claim_id, document.c.document_id.in_(document_ids)
        )
    )
    found = {row.document_id: (row.name, row.text) for row in result}
    return [found[d] for d in document_ids if d in found]
