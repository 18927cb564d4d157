"""Reading a claim's files for the model: the text out of each PDF, once, before it is asked.

A regular activity on the claims worker (which holds the object store and the key ring), with
its own timeout and retries. What cannot be read (a damaged or encrypted PDF, a file whose
claim key is gone) is recorded on the document's row, and the claim carries on: a document never
fails a claim. Only a store that does not answer fails the attempt, for Temporal to retry.
"""

from __future__ import annotations

import asyncio
import io
import uuid

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

import contracts as c
from activities.heartbeat import heartbeating
from claims.document_kinds import DocumentKind
from claims.lifecycle import ErrorType
from infra.document_crypto import DocumentDecryptionError
from infra.document_inspection import UnreadableDocumentError, pdf_text
from infra.document_vault import DocumentVault
from infra.objects import ObjectMissingError
from infra.store import documents
from infra.store.claim_keys import KeyShreddedError
from infra.store.documents import DocumentContent

READ = "read"
# Files the claims worker reads whole: the upload limit's order of magnitude, never more.
_MAX_FILE_BYTES = 64 * 1024 * 1024
_MAX_PDF_PAGES = 1_000


class DocumentReading:
    def __init__(self, engine: AsyncEngine, vault: DocumentVault | None) -> None:
        self._engine = engine
        self._vault = vault

    @activity.defn(name=c.READ_DOCUMENTS.name)
    async def read_documents(self, request: c.ReadDocumentsInput) -> c.ReadDocumentsResult:
        """Extract the text of the claim's PDFs not read yet; record each outcome."""
        async with self._engine.connect() as conn:
            found = await documents.contents(
                conn=conn, claim_id=request.claim_id, document_ids=request.document_ids
            )
        unread = [d for d in found if d.kind == DocumentKind.PDF and d.extraction is None]
        if not unread:
            return c.ReadDocumentsResult()
        if self._vault is None:
            raise ApplicationError(
                "this claims worker has no document store (CLAIMS_DOCUMENTS_S3_*)",
                type=ErrorType.DOCUMENTS_UNAVAILABLE,
                non_retryable=True,
            )
        read = unreadable = 0
        for doc in unread:
            # Heartbeats: a worker killed mid-read is noticed in seconds, not at the timeout.
            text, outcome = await heartbeating(self._read(request.claim_id, doc))
            async with self._engine.begin() as conn:
                await documents.record_extraction(
                    conn=conn, document_id=doc.document_id, text=text, outcome=outcome
                )
            if outcome == READ:
                read += 1
            else:
                unreadable += 1
                activity.logger.info("document %s unreadable: %s", doc.document_id, outcome)
        return c.ReadDocumentsResult(read=read, unreadable=unreadable)

    async def _read(self, claim_id: uuid.UUID, doc: DocumentContent) -> tuple[str | None, str]:
        assert self._vault is not None
        try:
            async with self._engine.connect() as conn:
                key = await self._vault.data_key(conn, claim_id)
            data = await self._vault.read(key, doc.object_key or "", limit=_MAX_FILE_BYTES)
            text, _ = await asyncio.to_thread(pdf_text, io.BytesIO(data), max_pages=_MAX_PDF_PAGES)
        except UnreadableDocumentError as exc:
            return None, str(exc)
        except (DocumentDecryptionError, KeyShreddedError):
            return None, "the stored file does not decrypt (erased or altered)"
        except ObjectMissingError:
            return None, "the stored file is gone"
        return text, READ
