"""Documents as files, against the session's real SeaweedFS: typed by content, checked, stripped
of metadata, stored encrypted, the same file once, read back only by whoever may see the claim."""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
import zlib
from collections.abc import AsyncIterator
from typing import Any

import psutil
import pytest
from PIL import Image

from activities.document_sweep import DocumentSweep, erase_claim_documents
from infra.document_crypto import MAGIC
from infra.objects import ObjectStore
from infra.settings import DEV_API_KEYS
from infra.store import claim_keys, documents
from tests.support.api import ADJUSTER, SUBMITTER, wait_for_claim
from tests.support.files import pdf, photo, upload
from tests.support.parking import NEEDS_REVIEW, Submission
from tests.support.stack import Stack

OTHER = {"Authorization": "Bearer other-files-key"}
# The default per-file limit (CLAIMS_DOCUMENTS_MAX_FILE_BYTES).
LIMIT = 20 * 1024 * 1024


@pytest.fixture
async def files_stack(stack: Stack) -> Stack:
    return stack


@pytest.fixture
async def claim_id(files_stack: Stack) -> uuid.UUID:
    return await claim_in_review(files_stack)


async def claim_in_review(stack: Stack) -> uuid.UUID:
    claim = Submission(stack)
    await claim.submit(amount=NEEDS_REVIEW)
    await wait_for_claim(stack.http, claim.claim_id, {"awaiting_review"})
    return claim.claim_id


async def test_a_photo_is_stored_encrypted_and_read_back_without_its_gps(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    sent = photo(gps=True)
    assert b"PhoneMaker" in sent
    added = await upload(files_stack, claim_id, "../../etc/damage.jpg", sent)
    assert added.status_code == 201, added.text
    doc = added.json()
    assert (doc["kind"], doc["content_type"], doc["name"]) == ("jpeg", "image/jpeg", "damage.jpg")
    got = await files_stack.http.get(
        f"/v1/claims/{claim_id}/documents/{doc['document_id']}", headers=ADJUSTER
    )
    assert got.status_code == 200
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("inline")
    image = Image.open(io.BytesIO(got.content))
    assert image.size == (64, 48)
    assert not image.getexif(), "the stored photo kept its EXIF"
    assert b"PhoneMaker" not in got.content
    # The bucket holds only ciphertext: no JPEG marker, our frame header instead.
    objects = ObjectStore.from_settings(files_stack.settings)
    stored = b"".join(
        [chunk async for chunk in await objects.read(f"claims/{claim_id}/{doc['document_id']}")]
    )
    assert stored.startswith(MAGIC)
    assert b"\xff\xd8\xff" not in stored[:64]
    assert got.content not in stored


async def test_the_same_file_twice_is_one_document(files_stack: Stack, claim_id: uuid.UUID) -> None:
    sent = photo("PNG", colour="blue")
    first = await upload(files_stack, claim_id, "a.png", sent)
    again = await upload(files_stack, claim_id, "b.png", sent)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["document_id"] == first.json()["document_id"]


async def test_the_type_is_the_content_s_not_the_name_s(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    png_as_pdf = await upload(files_stack, claim_id, "report.pdf", photo("PNG", colour="green"))
    assert png_as_pdf.status_code == 201, png_as_pdf.text
    assert png_as_pdf.json()["kind"] == "png"
    html = await upload(files_stack, claim_id, "photo.jpg", b"<html><script>alert(1)</script>")
    assert html.status_code == 415
    assert "photo.jpg" in html.json()["detail"]
    # A polyglot: JPEG magic, then a page. Pillow cannot decode it: refused, naming the file.
    poly = await upload(files_stack, claim_id, "poly.jpg", b"\xff\xd8\xff\xe0<html>hi</html>")
    assert poly.status_code == 422, poly.text
    assert "poly.jpg" in poly.text
    # A real JPEG with a page appended: only the re-encoded pixels are kept.
    tail = b"<html><script>steal()</script></html>"
    hidden = await upload(files_stack, claim_id, "tail.jpg", photo(colour="white") + tail)
    assert hidden.status_code == 201, hidden.text
    back = await files_stack.http.get(
        f"/v1/claims/{claim_id}/documents/{hidden.json()['document_id']}", headers=SUBMITTER
    )
    assert tail not in back.content


async def test_a_pdf_is_taken_and_a_pdf_bomb_is_refused(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    taken = await upload(files_stack, claim_id, "police.pdf", pdf("Police report 4411 filed"))
    assert taken.status_code == 201, taken.text
    assert taken.json()["kind"] == "pdf"
    got = await files_stack.http.get(
        f"/v1/claims/{claim_id}/documents/{taken.json()['document_id']}", headers=SUBMITTER
    )
    assert got.content.startswith(b"%PDF-")
    assert got.headers["content-type"] == "application/pdf"
    # 200 MB of zeros deflate to ~200 KB: decompressing it is the attack.
    bomb = zlib.compress(b"\0" * (200 * 1024 * 1024), 9)
    refused = await upload(files_stack, claim_id, "bomb.pdf", pdf("", stream=bomb))
    assert refused.status_code == 422, refused.text
    assert "bomb.pdf" in refused.text
    assert "PDF bomb" in refused.text


async def test_another_submitter_can_neither_read_nor_add(make_stack: Any) -> None:
    keys = f"{DEV_API_KEYS},other-files-key:submitter:other-files"
    async with make_stack(api_keys=keys) as files_stack:
        await _only_the_owner_and_staff(files_stack, await claim_in_review(files_stack))


async def _only_the_owner_and_staff(files_stack: Stack, claim_id: uuid.UUID) -> None:
    mine = await upload(files_stack, claim_id, "mine.png", photo("PNG", colour="yellow"))
    assert mine.status_code == 201
    url = f"/v1/claims/{claim_id}/documents/{mine.json()['document_id']}"
    assert (await files_stack.http.get(url, headers=OTHER)).status_code == 404
    theirs = await upload(files_stack, claim_id, "x.png", photo("PNG"), headers=OTHER)
    assert theirs.status_code == 404
    other_claim = f"/v1/claims/{uuid.uuid4()}/documents/{mine.json()['document_id']}"
    assert (await files_stack.http.get(other_claim, headers=ADJUSTER)).status_code == 404


async def test_a_file_over_the_limit_is_refused_as_it_streams(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    """200 MB sent in chunks, no Content-Length: refused at the limit, memory flat."""
    chunk = os.urandom(1024 * 1024)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n'
        yield b"\xff\xd8\xff"
        for _ in range(200):
            sent += len(chunk)
            yield chunk
        yield b"\r\n--xyz--\r\n"

    process = psutil.Process()
    before = process.memory_info().rss
    refused = await files_stack.http.post(
        f"/v1/claims/{claim_id}/documents",
        headers=SUBMITTER | {"Content-Type": "multipart/form-data; boundary=xyz"},
        content=body(),
    )
    after = process.memory_info().rss
    print(f"API RSS before {before / 2**20:.0f} MiB, after a 200 MB upload {after / 2**20:.0f} MiB")
    assert refused.status_code == 413, refused.text
    assert "big.jpg" in refused.json()["detail"]
    assert str(LIMIT) in refused.json()["detail"]
    assert sent < 200 * len(chunk), "the API read the whole upload before refusing it"
    assert after - before < 64 * 2**20


async def test_the_sweep_removes_objects_no_row_names_and_keeps_the_rest(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    kept = await upload(files_stack, claim_id, "kept.png", photo("PNG", colour="olive"))
    assert kept.status_code == 201
    objects = ObjectStore.from_settings(files_stack.settings)
    stray = f"claims/{claim_id}/{uuid.uuid4()}"

    async def junk() -> AsyncIterator[bytes]:
        yield b"left by a claim that ended before taking its document"

    await objects.put(stray, junk())
    sweep = DocumentSweep(files_stack.engine, objects)
    # Younger than the grace period: left alone (it may be an upload in progress).
    young = await sweep.sweep(grace=dt.timedelta(hours=1), claim_id=claim_id)
    assert young.orphan_objects == 0
    assert await objects.exists(stray)
    swept = await sweep.sweep(grace=dt.timedelta(0), claim_id=claim_id)
    assert swept.orphan_objects == 1
    assert not await objects.exists(stray)
    assert await objects.exists(f"claims/{claim_id}/{kept.json()['document_id']}")


async def test_erasing_a_claim_s_documents_destroys_its_key_objects_and_rows(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    doc = await upload(files_stack, claim_id, "gone.png", photo("PNG", colour="purple"))
    assert doc.status_code == 201
    objects = ObjectStore.from_settings(files_stack.settings)
    key = f"claims/{claim_id}/{doc.json()['document_id']}"
    # A copy of the ciphertext somewhere else (a backup) is of no use once the key is gone.
    copy = b"".join([chunk async for chunk in await objects.read(key)])
    removed = await erase_claim_documents(files_stack.engine, objects, claim_id)
    assert removed == 1
    assert not await objects.exists(key)
    assert [o async for o in objects.listing(f"claims/{claim_id}/")] == []
    async with files_stack.engine.connect() as conn:
        assert await documents.list_for_claim(conn=conn, claim_id=claim_id) == []
        with pytest.raises(claim_keys.KeyShreddedError):
            await claim_keys.existing_key(
                conn=conn, ring=files_stack.settings.key_ring(), claim_id=claim_id
            )
    assert copy.startswith(MAGIC)
    got = await files_stack.http.get(
        f"/v1/claims/{claim_id}/documents/{doc.json()['document_id']}", headers=ADJUSTER
    )
    assert got.status_code == 404


async def test_a_heic_photo_is_kept_as_a_jpeg_without_its_metadata(
    files_stack: Stack, claim_id: uuid.UUID
) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(out, "HEIF")
    sent = await upload(files_stack, claim_id, "IMG_0001.HEIC", out.getvalue())
    assert sent.status_code == 201, sent.text
    assert (sent.json()["kind"], sent.json()["content_type"]) == ("jpeg", "image/jpeg")
    got = await files_stack.http.get(
        f"/v1/claims/{claim_id}/documents/{sent.json()['document_id']}", headers=SUBMITTER
    )
    assert Image.open(io.BytesIO(got.content)).format == "JPEG"
