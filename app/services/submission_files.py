"""Files sent with a submission: all checked before anything starts, stored, then referenced.

`POST /v1/claims/with-documents` takes the claim and its files in one request. Every file is
typed and checked first (a bad one is a 4xx naming it, and no claim is started); then each is
encrypted under the claim's key and stored under the claim, and the workflow starts with their
references; its admit step writes their rows beside the claim's. A submission that never starts
leaves objects no row names, which the sweep removes (activities/document_sweep.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from app.services.document_files import ReceivedFile, file_chunks
from app.services.errors import (
    InvalidFieldError,
    TooLargeError,
    UnavailableError,
    UnsupportedMediaError,
)
from claims.document_kinds import ACCEPTED, sniff
from claims.transitions import SubmittedFile
from infra.document_crypto import encrypt_stream
from infra.document_inspection import Inspected, UnreadableDocumentError, inspect
from infra.encryption import KeyRing
from infra.objects import ObjectStore, ObjectStoreUnavailableError
from infra.settings import Settings
from infra.store import claim_keys
from infra.store.documents import object_key_for


class SubmissionFiles:
    def __init__(
        self, engine: AsyncEngine, objects: ObjectStore, ring: KeyRing, settings: Settings
    ) -> None:
        self._engine = engine
        self._objects = objects
        self._ring = ring
        self._settings = settings

    async def stage(
        self, claim_id: uuid.UUID, received: Sequence[ReceivedFile]
    ) -> list[SubmittedFile]:
        """Check every file, then store each under the claim; their references, in order."""
        s = self._settings
        total = sum(f.size for f in received)
        if total > s.documents_max_claim_bytes:
            raise TooLargeError(
                f"the files come to {total} bytes; a claim holds at most "
                f"{s.documents_max_claim_bytes}"
            )
        checked: list[tuple[ReceivedFile, Inspected]] = []
        seen: set[str] = set()
        for sent in received:
            kind = sniff(sent.head)
            if kind is None:
                raise UnsupportedMediaError(
                    f"file {sent.name!r} is not a {ACCEPTED} (judged by its content)"
                )
            if sent.sha256 in seen:
                continue  # the same file twice is one document
            seen.add(sent.sha256)
            try:
                kept = await asyncio.to_thread(
                    inspect,
                    sent.path,
                    kind,
                    max_pixels=s.documents_max_image_pixels,
                    max_pdf_pages=s.documents_max_pdf_pages,
                    scratch=sent.path.parent,
                )
            except UnreadableDocumentError as exc:
                raise InvalidFieldError("file", f"file {sent.name!r}: {exc}") from None
            checked.append((sent, kept))
        if not checked:
            return []
        async with self._engine.begin() as conn:
            data_key = await claim_keys.data_key(conn=conn, ring=self._ring, claim_id=claim_id)
        references = []
        for sent, kept in checked:
            document_id = uuid.uuid4()
            object_key = object_key_for(claim_id, document_id)
            try:
                await self._objects.put(
                    object_key, encrypt_stream(data_key, object_key, file_chunks(kept.path))
                )
            except ObjectStoreUnavailableError:
                raise UnavailableError(
                    "the document store is unavailable; no claim was started, send it again"
                ) from None
            references.append(
                SubmittedFile(
                    document_id=document_id,
                    name=sent.name,
                    kind=kept.kind.value,
                    size_bytes=kept.path.stat().st_size,
                    sha256=sent.sha256,
                )
            )
        return references
