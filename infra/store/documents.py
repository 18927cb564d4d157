"""Claimant documents: stored here, referenced by id everywhere else."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from claims.document_kinds import DocumentKind
from claims.transitions import SubmittedFile
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
    kind: str
    sha256: str | None
    object_key: str | None
    stored_at: dt.datetime | None
    extraction: str | None


WITHOUT_TEXT = [c for c in document.c if c.name != "text"]


def object_key_for(claim_id: uuid.UUID, document_id: uuid.UUID) -> str:
    """Where a file's encrypted bytes live: under its claim, so a claim's objects list together."""
    return f"{OBJECT_PREFIX}{claim_id}/{document_id}"


OBJECT_PREFIX = "claims/"


@dataclass(frozen=True, slots=True)
class ClaimHoldings:
    """What a claim holds already: its documents (any kind) and the bytes of its files."""

    count: int
    file_bytes: int


async def holdings(*, conn: AsyncConnection, claim_id: uuid.UUID) -> ClaimHoldings:
    query = sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(document.c.size_bytes), 0)
    ).where(document.c.claim_id == claim_id)
    count, total = (await conn.execute(query)).one()
    return ClaimHoldings(int(count), int(total))


async def by_digest(
    *, conn: AsyncConnection, claim_id: uuid.UUID, sha256: str
) -> DocumentRow | None:
    """The claim's file with these bytes, if it has one (the same file twice is one document)."""
    query = sa.select(*WITHOUT_TEXT).where(
        document.c.claim_id == claim_id, document.c.sha256 == sha256
    )
    return rows.one(DocumentRow, (await conn.execute(query)).mappings().one_or_none())


async def begin_file(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    name: str,
    kind: str,
    size_bytes: int,
    sha256: str,
    added_by: str,
) -> DocumentRow | None:
    """The row of a file about to be stored (`stored_at` null), or None when the claim has it.

    Written before the object, so no object ever exists without its row: an upload that dies
    part-way leaves a row the sweep finds, and removes with whatever of its object got stored.
    """
    document_id = uuid.uuid4()
    inserted = await conn.execute(
        postgresql.insert(document)
        .values(
            document_id=document_id,
            claim_id=claim_id,
            name=name,
            content_type=DocumentKind(kind).media_type,
            kind=kind,
            size_bytes=size_bytes,
            sha256=sha256,
            object_key=object_key_for(claim_id, document_id),
            added_by=added_by,
        )
        .on_conflict_do_nothing(
            index_elements=["claim_id", "sha256"], index_where=document.c.sha256.is_not(None)
        )
        .returning(*WITHOUT_TEXT)
    )
    return rows.one(DocumentRow, inserted.mappings().one_or_none())


async def add_submitted_files(
    *,
    conn: AsyncConnection,
    claim_id: uuid.UUID,
    files: Sequence[SubmittedFile],
    added_by: str,
) -> None:
    """The rows of files sent with the submission: stored before the claim began, taken by it
    now (idempotent: the admit step's retry writes nothing twice)."""
    for sent in files:
        await conn.execute(
            postgresql.insert(document)
            .values(
                document_id=sent.document_id,
                claim_id=claim_id,
                name=sent.name,
                content_type=DocumentKind(sent.kind).media_type,
                kind=sent.kind,
                size_bytes=sent.size_bytes,
                sha256=sent.sha256,
                object_key=object_key_for(claim_id, sent.document_id),
                added_by=added_by,
                stored_at=sa.func.now(),
                attached_at=sa.func.now(),
            )
            .on_conflict_do_nothing()
        )


async def mark_stored(*, conn: AsyncConnection, document_id: uuid.UUID) -> None:
    await conn.execute(
        sa.update(document)
        .where(document.c.document_id == document_id)
        .values(stored_at=sa.func.now())
    )


async def record_extraction(
    *, conn: AsyncConnection, document_id: uuid.UUID, text: str | None, outcome: str
) -> None:
    """What reading the file gave: its text, or why there is none (`outcome`)."""
    await conn.execute(
        sa.update(document)
        .where(document.c.document_id == document_id)
        .values(text=text, extraction=outcome)
    )


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
    query = sa.select(*WITHOUT_TEXT).where(document.c.document_id == document_id)
    return rows.one(DocumentRow, (await conn.execute(query)).mappings().one_or_none())


async def remove(*, conn: AsyncConnection, document_id: uuid.UUID) -> None:
    """Delete a document the claim refused (so a refusal leaves nothing behind)."""
    await conn.execute(sa.delete(document).where(document.c.document_id == document_id))


async def list_for_claim(*, conn: AsyncConnection, claim_id: uuid.UUID) -> list[DocumentRow]:
    """Return the documents the claim took (without their text), oldest first."""
    result = await conn.execute(
        sa.select(*WITHOUT_TEXT)
        .where(document.c.claim_id == claim_id, document.c.attached_at.is_not(None))
        .order_by(document.c.created_at)
    )
    return rows.every(DocumentRow, result.mappings())


@dataclass(frozen=True, slots=True)
class DocumentContent:
    """What the model is given of a document: a text's text, or a file's extracted text."""

    document_id: uuid.UUID
    name: str
    kind: str
    text: str | None
    size_bytes: int
    object_key: str | None
    stored_at: dt.datetime | None
    extraction: str | None


async def contents(
    *, conn: AsyncConnection, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> list[DocumentContent]:
    """The given documents of this claim, in the order asked."""
    if not document_ids:
        return []
    result = await conn.execute(
        sa.select(*(document.c[f] for f in DocumentContent.__slots__)).where(
            document.c.claim_id == claim_id, document.c.document_id.in_(document_ids)
        )
    )
    found = {row.document_id: row for row in rows.every(DocumentContent, result.mappings())}
    return [found[d] for d in document_ids if d in found]


async def texts(
    *, conn: AsyncConnection, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> list[tuple[str, str | None]]:
    """(name, text) of the given documents of this claim, in the order asked."""
    return [
        (c.name, c.text)
        for c in await contents(conn=conn, claim_id=claim_id, document_ids=document_ids)
    ]
