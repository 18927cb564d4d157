"""Claim documents' bytes in an S3-compatible object store: the one interface to it.

The API writes and reads through it, and so do the activities; nothing else knows S3. Only
ciphertext passes here (infra/document_crypto.py encrypts before `put`). The client is obstore
(docs/decisions/0005-object-store.md): async, streaming both ways, one wheel without
dependencies; it signs requests itself and reads the ambient AWS chain (environment, web
identity, instance metadata) when no key is configured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import obstore
from obstore.store import S3Store

if TYPE_CHECKING:
    from obstore import BytesStream

    from infra.settings import Settings

# A multipart upload's part: S3 needs at least 5 MiB for every part but the last. Two parts in
# flight at most bound an upload's memory to ~10 MiB, however large the file.
_PART_BYTES = 5 * 1024 * 1024
_PARTS_IN_FLIGHT = 2
# Reads come back in pieces of at least this size (the decrypting reader's frames).
_READ_BYTES = 256 * 1024


class ObjectMissingError(LookupError):
    """No object under the key (deleted, or never written)."""


class ObjectStoreUnavailableError(RuntimeError):
    """The store did not answer or refused us: a transient failure for whoever called."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: dt.datetime


def s3_store(
    *,
    endpoint: str | None,
    bucket: str,
    region: str,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> S3Store:
    """An obstore client; without a key pair, the ambient AWS chain supplies credentials."""
    options: dict[str, object] = {"region": region}
    if endpoint is not None:
        # A self-hosted store (SeaweedFS, MinIO, Ceph): path-style URLs, http on loopback.
        options |= {"endpoint": endpoint, "virtual_hosted_style_request": False}
    if access_key_id is not None and secret_access_key is not None:
        options |= {"access_key_id": access_key_id, "secret_access_key": secret_access_key}
    allow_http = endpoint is not None and endpoint.startswith("http://")
    return S3Store(
        bucket,
        client_options={"allow_http": allow_http, "timeout": "60s", "connect_timeout": "5s"},
        # Whoever calls owns retries (Temporal for activities, the client for the API).
        retry_config={"max_retries": 0, "backoff": {}, "retry_timeout": dt.timedelta(seconds=60)},
        **options,  # type: ignore[arg-type]
    )


class ObjectStore:
    """Put, read, delete and list objects of one bucket."""

    def __init__(self, store: S3Store) -> None:
        self._store = store

    @classmethod
    def from_settings(cls, settings: Settings) -> ObjectStore:
        secret = settings.documents_s3_secret_access_key
        return cls(
            s3_store(
                endpoint=settings.documents_s3_endpoint,
                bucket=settings.documents_s3_bucket,
                region=settings.documents_s3_region,
                access_key_id=settings.documents_s3_access_key_id,
                secret_access_key=secret.get_secret_value() if secret else None,
            )
        )

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        """Store the chunks under `key`; a failure part-way leaves no object under it."""
        try:
            await obstore.put_async(
                self._store,
                key,
                chunks,
                chunk_size=_PART_BYTES,
                max_concurrency=_PARTS_IN_FLIGHT,
            )
        except (OSError, obstore.exceptions.BaseError) as exc:
            raise ObjectStoreUnavailableError(f"storing {key}: {_short(exc)}") from exc

    async def read(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, streamed."""
        try:
            result = await obstore.get_async(self._store, key)
        except FileNotFoundError as exc:
            raise ObjectMissingError(key) from exc
        except (OSError, obstore.exceptions.BaseError) as exc:
            raise ObjectStoreUnavailableError(f"reading {key}: {_short(exc)}") from exc
        return _chunks(result.stream(min_chunk_size=_READ_BYTES))

    async def delete(self, key: str) -> None:
        """Remove the object; one already gone is not an error (a retry deletes again)."""
        try:
            await obstore.delete_async(self._store, key)
        except FileNotFoundError:
            return
        except (OSError, obstore.exceptions.BaseError) as exc:
            raise ObjectStoreUnavailableError(f"deleting {key}: {_short(exc)}") from exc

    async def exists(self, key: str) -> bool:
        try:
            await obstore.head_async(self._store, key)
        except FileNotFoundError:
            return False
        except (OSError, obstore.exceptions.BaseError) as exc:
            raise ObjectStoreUnavailableError(f"looking up {key}: {_short(exc)}") from exc
        return True

    async def listing(self, prefix: str) -> AsyncIterator[StoredObject]:
        """Every object under `prefix`, page by page."""
        try:
            async for page in obstore.list(self._store, prefix=prefix, chunk_size=500):
                for meta in page:
                    yield StoredObject(meta["path"], meta["size"], meta["last_modified"])
        except (OSError, obstore.exceptions.BaseError) as exc:
            raise ObjectStoreUnavailableError(f"listing {prefix}: {_short(exc)}") from exc


async def _chunks(stream: BytesStream) -> AsyncIterator[bytes]:
    async for chunk in stream:
        yield bytes(chunk)


def _short(exc: BaseException) -> str:
    # obstore's messages carry the whole response body: the first line is the useful part.
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
