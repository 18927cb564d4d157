"""What the llm worker reads of a claim's documents: a line of text each, and the images.

Read-only: the llm worker writes nothing. A text document is its text; a PDF is the text the
claims worker extracted (activities/documents.py) or a note that it could not be read; a photo
is a note of its size, and, for a model that can see, the image itself. Every line goes into the
claim's delimited data, so a document's words stay data exactly like the description's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.exceptions import ApplicationError

from claims.attachments import AttachedImage, file_line
from claims.document_kinds import DocumentKind
from claims.lifecycle import ErrorType
from infra.document_vault import DocumentVault
from infra.store import documents
from infra.store.documents import DocumentContent

# Documents are claimant text of up to 1 MiB; the model sees the start of each, bounded so a
# claim with many documents still fits a context window.
MAX_DOCUMENT_CHARS = 8_000
# Images shown to a model per assessment, and the largest one (a stored photo is re-encoded,
# so far smaller than the upload limit as a rule).
MAX_IMAGES = 8
MAX_IMAGE_BYTES = 20 * 1024 * 1024


class DocumentSource(Protocol):
    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        """(name, text) of each document, in the order asked."""
        ...

    async def images(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[AttachedImage]:
        """The photos and scans among the documents, in the order asked."""
        ...

    async def by_id(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, str]]:
        """(name, text) of each document found, by its id (an investigation's reads)."""
        ...


def content_line(doc: DocumentContent) -> str:
    """The text the model is given for one document."""
    if doc.kind == DocumentKind.TEXT:
        return doc.text or ""
    return file_line(doc.kind, doc.size_bytes, doc.text, doc.extraction)


class PostgresDocuments:
    """Reads documents by id; images come from the object store through `vault`."""

    def __init__(self, engine: AsyncEngine, vault: DocumentVault | None = None) -> None:
        self._engine = engine
        self._vault = vault

    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        async with self._engine.connect() as conn:
            found = await documents.contents(
                conn=conn, claim_id=claim_id, document_ids=document_ids
            )
        return [(doc.name, content_line(doc)) for doc in found]

    async def by_id(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, str]]:
        async with self._engine.connect() as conn:
            found = await documents.contents(
                conn=conn, claim_id=claim_id, document_ids=document_ids
            )
        return {doc.document_id: (doc.name, content_line(doc)) for doc in found}

    async def images(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[AttachedImage]:
        if self._vault is None:
            return []
        async with self._engine.connect() as conn:
            found = await documents.contents(
                conn=conn, claim_id=claim_id, document_ids=document_ids
            )
            wanted = [
                d
                for d in found
                if DocumentKind(d.kind).is_image and d.object_key and d.stored_at is not None
            ][:MAX_IMAGES]
            if not wanted:
                return []
            key = await self._vault.data_key(conn, claim_id)
        return [
            AttachedImage(
                doc.name,
                DocumentKind(doc.kind).media_type,
                await self._vault.read(key, doc.object_key or "", limit=MAX_IMAGE_BYTES),
            )
            for doc in wanted
        ]


class NoDocuments:
    """For an llm worker without a database: claims with documents cannot be assessed here."""

    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        if document_ids:
            raise ApplicationError(
                "this llm worker has no CLAIMS_DATABASE_URL to read claim documents from",
                type=ErrorType.DOCUMENTS_UNAVAILABLE,
                non_retryable=True,
            )
        return []

    async def by_id(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, str]]:
        await self.texts(claim_id, document_ids)  # refuses, as for a one-shot assessment
        return {}

    async def images(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[AttachedImage]:
        return []


def document_lines(texts: Sequence[tuple[str, str]]) -> list[str]:
    """What the model is shown of each document: its name and the start of its text."""
    return [f"{name}: {text[:MAX_DOCUMENT_CHARS]}" for name, text in texts]
