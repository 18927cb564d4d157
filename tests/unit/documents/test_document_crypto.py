"""Objects are sealed frame by frame under the claim's key: they open whole or not at all."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from infra.document_crypto import (
    FRAME_BYTES,
    MAGIC,
    DocumentDecryptionError,
    decrypt_stream,
    encrypt_stream,
    new_data_key,
    unwrap_key,
    wrap_key,
)
from infra.encryption import KeyRingError

RING = [("k2", os.urandom(32)), ("k1", os.urandom(32))]


async def pieces(data: bytes, size: int = 10_000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def sealed(key: bytes, object_key: str, data: bytes) -> bytes:
    return b"".join([c async for c in encrypt_stream(key, object_key, pieces(data))])


async def opened(key: bytes, object_key: str, data: bytes, size: int = 7_000) -> bytes:
    return b"".join([c async for c in decrypt_stream(key, object_key, pieces(data, size))])


@pytest.mark.parametrize("length", [0, 1, FRAME_BYTES - 1, FRAME_BYTES, FRAME_BYTES + 1, 300_001])
async def test_any_length_round_trips_and_is_never_plaintext(length: int) -> None:
    key, data = new_data_key(), os.urandom(length)
    box = await sealed(key, "claims/c/d", data)
    assert box.startswith(MAGIC)
    assert await opened(key, "claims/c/d", box) == data
    if length >= 64:
        assert data[:64] not in box


async def test_truncation_splicing_and_another_key_are_refused() -> None:
    key, data = new_data_key(), os.urandom(3 * FRAME_BYTES + 10)
    box = await sealed(key, "claims/c/d", data)
    frame = FRAME_BYTES + 16
    header = len(MAGIC) + 7
    # Cut at a frame boundary: the new last frame was not sealed as the last.
    with pytest.raises(DocumentDecryptionError):
        await opened(key, "claims/c/d", box[: header + frame])
    # Frames swapped.
    swapped = box[:header] + box[header + frame : header + 2 * frame] + box[header : header + frame]
    with pytest.raises(DocumentDecryptionError):
        await opened(key, "claims/c/d", swapped + box[header + 2 * frame :])
    # Another document's key (its object key is bound as associated data), another claim's key.
    with pytest.raises(DocumentDecryptionError):
        await opened(key, "claims/c/other", box)
    with pytest.raises(DocumentDecryptionError):
        await opened(new_data_key(), "claims/c/d", box)
    with pytest.raises(DocumentDecryptionError):
        await opened(key, "claims/c/d", b"plain bytes, not ours")


def test_the_data_key_is_wrapped_for_its_claim_by_the_ring() -> None:
    claim, key = uuid.uuid4(), new_data_key()
    key_id, wrapped = wrap_key(RING, claim, key)
    assert key_id == "k2"
    assert key not in wrapped
    assert unwrap_key(RING, claim, key_id, wrapped) == key
    # Rotated: the old key still opens what it wrapped.
    assert unwrap_key([("k3", os.urandom(32)), *RING], claim, key_id, wrapped) == key
    with pytest.raises(DocumentDecryptionError):
        unwrap_key(RING, uuid.uuid4(), key_id, wrapped)  # another claim's row
    with pytest.raises(KeyRingError):
        unwrap_key(RING[1:], claim, key_id, wrapped)
