"""What an upload cut short leaves behind, removed: the sweep of the document store.

An upload writes its row first, then its object, then marks the row stored (app/services/
document_files.py). So a crash leaves at most a row not marked stored (with or without some of
its object), and a claim that ended before taking a document leaves an object whose row it
deleted. Past a grace period (no upload takes that long), the sweep deletes both: first the
object, then the row, so that it never leaves a row pointing at nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from infra import db_errors as failures
from infra.objects import ObjectStore, StoredObject
from infra.store import claim_keys, documents
from infra.store import orphans as unclaimed

log = logging.getLogger(__name__)
_BATCH = 500
UNADMITTED_GRACE = dt.timedelta(days=7)


@dataclass(frozen=True)
class SweepResult:
    unfinished_uploads: int
    orphan_objects: int


class DocumentSweep:
    def __init__(self, engine: AsyncEngine, objects: ObjectStore) -> None:
        self._engine = engine
        self._objects = objects

    async def sweep(self, *, grace: dt.timedelta, claim_id: uuid.UUID | None = None) -> SweepResult:
        """Remove what is older than `grace`; of one claim only when `claim_id` is given."""
        cutoff = dt.datetime.now(dt.UTC) - grace
        prefix = documents.OBJECT_PREFIX + (f"{claim_id}/" if claim_id else "")
        async with self._engine.connect() as conn:
            unfinished = await unclaimed.stale_uploads(
                conn=conn, older_than=cutoff, claim_id=claim_id
            )
        for row in unfinished:
            if row.object_key is not None:
                await self._objects.delete(row.object_key)
            async with self._engine.begin() as conn:
                await documents.remove(conn=conn, document_id=row.document_id)
        orphans = 0
        batch: list[StoredObject] = []
        async for stored in self._objects.listing(prefix):
            if stored.last_modified < cutoff:
                batch.append(stored)
            if len(batch) >= _BATCH:
                orphans += await self._drop_orphans(batch)
                batch = []
        orphans += await self._drop_orphans(batch)
        return SweepResult(len(unfinished), orphans)

    async def _drop_orphans(self, stored: list[StoredObject]) -> int:
        claims = {_claim_of(o.key) for o in stored} - {None}
        async with self._engine.connect() as conn:
            known = await unclaimed.known_object_keys(conn=conn, keys=[o.key for o in stored])
            recorded = await unclaimed.recorded_claims(
                conn=conn, claim_ids=[c for c in claims if c is not None]
            )
        # A submission's files are stored before its claim is admitted: while the claim has no
        # row (its workers may be down for a while), its objects wait a week, not an hour.
        patient = dt.datetime.now(dt.UTC) - UNADMITTED_GRACE
        orphans = [
            o.key
            for o in stored
            if o.key not in known and (_claim_of(o.key) in recorded or o.last_modified < patient)
        ]
        for key in orphans:
            await self._objects.delete(key)
        return len(orphans)


def _claim_of(key: str) -> uuid.UUID | None:
    parts = key.removeprefix(documents.OBJECT_PREFIX).split("/")
    try:
        return uuid.UUID(parts[0])
    except ValueError:
        return None


async def erase_claim_documents(
    engine: AsyncEngine, objects: ObjectStore, claim_id: uuid.UUID
) -> int:
    """Forget a claim's documents: its key destroyed first (every copy of every object is noise
    from then on), then each object, then the rows. Safe to run again after a failure part-way.
    Returns how many files were removed."""
    async with engine.begin() as conn:
        await claim_keys.shred(conn=conn, claim_id=claim_id)
        files = await unclaimed.every_file_of(conn=conn, claim_id=claim_id)
    for row in files:
        if row.object_key is not None:
            await objects.delete(row.object_key)
    # Objects of the claim no row names any more (a sweep would find them later): now.
    async for stored in objects.listing(f"{documents.OBJECT_PREFIX}{claim_id}/"):
        await objects.delete(stored.key)
    async with engine.begin() as conn:
        await unclaimed.remove_all(conn=conn, claim_id=claim_id)
    return len(files)


async def sweep_every(sweep: DocumentSweep, *, every_s: float, grace_s: float) -> None:
    """The claims worker's housekeeping: sweep now and then; a failed sweep waits for the next."""
    while True:
        await asyncio.sleep(every_s)
        try:
            result = await sweep.sweep(grace=dt.timedelta(seconds=grace_s))
        except Exception as exc:  # the store or the database is away: the next sweep will do
            log.warning("document sweep failed: %s", failures.describe(exc))
            continue
        if result.unfinished_uploads or result.orphan_objects:
            log.info(
                "document sweep removed %d unfinished uploads and %d orphan objects",
                result.unfinished_uploads,
                result.orphan_objects,
            )
