"""Documents as files: checked, encrypted, stored in object storage, announced to the claim.

An upload arrives on disk in a scratch directory (app/http/uploads.py has counted it). Each file
is typed by its first bytes, decoded or parsed once (infra/document_inspection.py), encrypted
under its claim's data key and streamed to the object store; only then is the claim told, with
the reference alone. The row is written before the object and marked stored after it, so a
crash at any point leaves either nothing, or a row the sweep recognises as unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from app.schemas import DocumentOut
from app.services.commands import ClaimCommands, DocumentOutcome
from app.services.errors import (
    BusyError,
    ConflictError,
    InvalidFieldError,
    NotFoundError,
    TooLargeError,
    UnavailableError,
    UnsupportedMediaError,
)
from app.services.updates import Known
from claims.document_kinds import ACCEPTED, DocumentKind, sniff
from contracts import Actor, DocumentAdded
from infra.api_keys import ApiKey
from infra.document_crypto import decrypt_stream, encrypt_stream
from infra.document_inspection import Inspected, UnreadableDocumentError, inspect
from infra.encryption import KeyRing
from infra.objects import ObjectMissingError, ObjectStore, ObjectStoreUnavailableError
from infra.settings import Settings
from infra.store import claim_keys, documents
from infra.store.documents import DocumentRow

log = logging.getLogger(__name__)

_READ_BYTES = 1024 * 1024
_INSPECTIONS_AT_ONCE = 2
UPLOADS_PER_PRINCIPAL = 4


@dataclass
class ReceivedFile:
    """One uploaded file on disk: its sanitized name, size, first bytes and digest."""

    name: str
    path: Path
    size: int = 0
    head: bytes = b""
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


@dataclass(frozen=True)
class FileOutcome:
    document: DocumentOut
    pending: bool
    # The claim had these bytes already: the answer is that document, nothing new was stored.
    duplicate: bool = False


@dataclass(frozen=True)
class OpenedDocument:
    row: DocumentRow
    body: AsyncIterator[bytes]


class DocumentFiles:
    def __init__(
        self,
        engine: AsyncEngine,
        commands: ClaimCommands,
        objects: ObjectStore,
        ring: KeyRing,
        settings: Settings,
    ) -> None:
        self._engine = engine
        self._commands = commands
        self._objects = objects
        self._ring = ring
        self._settings = settings
        # Decoding a photo at the pixel limit takes ~120 MB: two at a time per API process
        # bounds what a burst of uploads can take, whoever sends them.
        self._inspecting = asyncio.Semaphore(_INSPECTIONS_AT_ONCE)
        # Uploads in flight per principal (each holds a connection and a scratch file).
        self._uploading: Counter[str] = Counter()

    @contextlib.asynccontextmanager
    async def upload_slot(self, caller: ApiKey) -> AsyncIterator[None]:
        """One of the caller's few uploads in flight in this process, or BusyError (429)."""
        if self._uploading[caller.name] >= UPLOADS_PER_PRINCIPAL:
            raise BusyError(
                f"{UPLOADS_PER_PRINCIPAL} uploads of yours are in flight; send this one after them"
            )
        self._uploading[caller.name] += 1
        try:
            yield
        finally:
            self._uploading[caller.name] -= 1
            if not self._uploading[caller.name]:
                del self._uploading[caller.name]

    async def target(self, caller: ApiKey, claim_id: uuid.UUID) -> Known:
        """Checked before a byte of the upload is read: the claim is the caller's and open."""
        return await self._commands.document_target(caller, claim_id)

    async def take(
        self, caller: ApiKey, claim_id: uuid.UUID, known: Known, received: ReceivedFile
    ) -> FileOutcome:
        kind = sniff(received.head)
        if kind is None:
            raise UnsupportedMediaError(
                f"file {received.name!r} is not a {ACCEPTED} (judged by its content)"
            )
        async with self._engine.connect() as conn:
            same = await documents.by_digest(conn=conn, claim_id=claim_id, sha256=received.sha256)
            held = await documents.holdings(conn=conn, claim_id=claim_id)
        if same is not None and same.stored_at is not None:
            if same.attached_at is not None:
                as_before = DocumentOut.model_validate(same, from_attributes=True)
                return FileOutcome(as_before, pending=False, duplicate=True)
            # Stored, but the claim may never have heard of it (the API died before telling
            # it): tell it again; the update's id makes that one update.
            return await self._announce(caller, claim_id, known, same)
        if same is None:
            self._check_room(received, held)
        try:
            async with self._inspecting:
                kept = await asyncio.to_thread(
                    inspect,
                    received.path,
                    kind,
                    max_pixels=self._settings.documents_max_image_pixels,
                    max_pdf_pages=self._settings.documents_max_pdf_pages,
                    scratch=received.path.parent,
                )
        except UnreadableDocumentError as exc:
            raise InvalidFieldError("file", f"file {received.name!r}: {exc}") from None
        return await self._store(caller, claim_id, known, received, kept, unfinished=same)

    def _check_room(self, received: ReceivedFile, held: documents.ClaimHoldings) -> None:
        s = self._settings
        if held.count >= s.documents_max_per_claim:
            raise ConflictError(
                f"the claim holds {held.count} documents, the most it may; "
                f"file {received.name!r} was not stored"
            )
        if held.file_bytes + received.size > s.documents_max_claim_bytes:
            raise TooLargeError(
                f"file {received.name!r} would take the claim past its "
                f"{s.documents_max_claim_bytes} bytes of documents"
            )

    async def _store(
        self,
        caller: ApiKey,
        claim_id: uuid.UUID,
        known: Known,
        received: ReceivedFile,
        kept: Inspected,
        *,
        unfinished: DocumentRow | None,
    ) -> FileOutcome:
        """Row, object, mark. An `unfinished` row of the same bytes (an upload cut short, or
        one in flight) is finished by this one: the same plaintext under the same key, so
        whichever write lands last, the object is right."""
        async with self._engine.begin() as conn:
            data_key = await claim_keys.data_key(conn=conn, ring=self._ring, claim_id=claim_id)
            row = unfinished or await documents.begin_file(
                conn=conn,
                claim_id=claim_id,
                name=received.name,
                kind=kept.kind.value,
                size_bytes=kept.path.stat().st_size,
                sha256=received.sha256,
                added_by=caller.name,
            )
            if row is None:  # another request began the same bytes a moment ago
                row = await documents.by_digest(
                    conn=conn, claim_id=claim_id, sha256=received.sha256
                )
        if row is None or row.object_key is None:
            raise ConflictError(f"file {received.name!r} is being stored; send it again")
        object_key = row.object_key
        try:
            await self._objects.put(
                object_key, encrypt_stream(data_key, object_key, file_chunks(kept.path))
            )
        except ObjectStoreUnavailableError as exc:
            log.warning("document %s not stored: %s", row.document_id, exc)
            await self._forget(row.document_id)
            raise UnavailableError("the document store is unavailable; send it again") from None
        async with self._engine.begin() as conn:
            await documents.mark_stored(conn=conn, document_id=row.document_id)
        return await self._announce(caller, claim_id, known, row)

    async def _announce(
        self, caller: ApiKey, claim_id: uuid.UUID, known: Known, row: DocumentRow
    ) -> FileOutcome:
        added = DocumentAdded(
            document_id=row.document_id,
            name=row.name,
            by=Actor(name=caller.name, role=caller.role.value),
            kind=row.kind,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
        )
        outcome: DocumentOutcome = await self._commands.announce_document(
            claim_id, known, added, refused=self._forget
        )
        return FileOutcome(outcome.document, outcome.pending)

    async def _forget(self, document_id: uuid.UUID) -> None:
        """Remove a file the claim refused or that failed to store: its object, then its row."""
        async with self._engine.connect() as conn:
            row = await documents.get(conn=conn, document_id=document_id)
        if row is None:
            return
        if row.object_key is not None:
            try:
                await self._objects.delete(row.object_key)
            except ObjectStoreUnavailableError:
                return  # the row stays unfinished or unattached: the sweep removes both
        async with self._engine.begin() as conn:
            await documents.remove(conn=conn, document_id=document_id)

    async def open(
        self, caller: ApiKey, claim_id: uuid.UUID, document_id: uuid.UUID
    ) -> OpenedDocument:
        """A document of a claim the caller may see, decrypted as it streams."""
        await self._commands.visible(caller, claim_id)
        async with self._engine.connect() as conn:
            row = await documents.get(conn=conn, document_id=document_id)
            if row is None or row.claim_id != claim_id or row.attached_at is None:
                raise NotFoundError(f"document {document_id} not found")
            if row.object_key is None:
                text = await documents.texts(
                    conn=conn, claim_id=claim_id, document_ids=[document_id]
                )
                return OpenedDocument(row, _once((text[0][1] or "").encode()))
            try:
                data_key = await claim_keys.existing_key(
                    conn=conn, ring=self._ring, claim_id=claim_id
                )
            except claim_keys.KeyShreddedError:
                raise NotFoundError(f"document {document_id} was erased") from None
        if data_key is None or row.stored_at is None:
            raise NotFoundError(f"document {document_id} not found")
        try:
            stored = await self._objects.read(row.object_key)
        except ObjectMissingError:
            raise NotFoundError(f"document {document_id} was erased") from None
        except ObjectStoreUnavailableError:
            raise UnavailableError("the document store is unavailable; try again") from None
        body = decrypt_stream(data_key, row.object_key, stored)
        # The first frame is opened before any header is sent: a document that does not decrypt
        # is an error response, not a truncated download.
        first = await anext(body, b"")
        return OpenedDocument(row, _prepend(first, body))


async def file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := await asyncio.to_thread(source.read, _READ_BYTES):
            yield chunk


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


__all__ = ["DocumentFiles", "DocumentKind", "FileOutcome", "OpenedDocument", "ReceivedFile"]
