"""A claim's stored files, read back whole and decrypted (for the model and the extraction).

The API streams downloads itself (app/services/document_files.py); the workers, which need a
document's whole content to parse it or to hand it to a model, come through here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from infra.document_crypto import DocumentDecryptionError, decrypt_stream
from infra.encryption import KeyRing
from infra.objects import ObjectStore
from infra.store import claim_keys


@dataclass(frozen=True)
class DocumentVault:
    objects: ObjectStore
    ring: KeyRing

    async def data_key(self, conn: AsyncConnection, claim_id: uuid.UUID) -> bytes:
        """The claim's key (DocumentDecryptionError when it has none, KeyShreddedError)."""
        key = await claim_keys.existing_key(conn=conn, ring=self.ring, claim_id=claim_id)
        if key is None:
            raise DocumentDecryptionError(f"claim {claim_id} has no document key")
        return key

    async def read(self, data_key: bytes, object_key: str, *, limit: int) -> bytes:
        """The whole plaintext of one object, when it is at most `limit` bytes."""
        parts: list[bytes] = []
        total = 0
        stored = await self.objects.read(object_key)
        async for chunk in decrypt_stream(data_key, object_key, stored):
            total += len(chunk)
            if total > limit:
                raise DocumentDecryptionError(f"{object_key} is larger than {limit} bytes")
            parts.append(chunk)
        return b"".join(parts)
