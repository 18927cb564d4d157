"""Documents are encrypted before they leave our process, under a data key of their claim.

Each claim has one random AES-256 key. It is stored in Postgres only wrapped (AES-256-GCM) by
the payload key ring's first key, with that key's id, so the ring rotates as it does for
Temporal payloads. One key per claim is what makes forgetting a claimant possible: destroying
the wrapped key turns every object of the claim into noise, wherever copies of it went.

An object is a stream of frames (the STREAM construction: each frame is sealed on its own with
a nonce of a random prefix, the frame's number and a last-frame flag), so a 20 MiB file is
encrypted and decrypted in 64 KiB steps, never held whole, and a truncated, reordered or
spliced object fails to open. The object's key is bound as associated data: ciphertext copied
under another document's key does not open either.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.encryption import KeyRing, KeyRingError

MAGIC = b"CLD1"
_PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + _PREFIX_BYTES
FRAME_BYTES = 64 * 1024
_TAG_BYTES = 16
_SEALED_FRAME = FRAME_BYTES + _TAG_BYTES
_WRAP_NONCE = 12


class DocumentDecryptionError(ValueError):
    """The object is not ours, was altered, or its claim's key is gone."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _wrap_context(claim_id: uuid.UUID, key_id: str) -> bytes:
    return f"claim-data-key|{claim_id}|{key_id}".encode()


def wrap_key(ring: KeyRing, claim_id: uuid.UUID, data_key: bytes) -> tuple[str, bytes]:
    """(ring key id, nonce + sealed data key) for the claim's key row."""
    key_id, ring_key = ring[0]
    nonce = os.urandom(_WRAP_NONCE)
    sealed = AESGCM(ring_key).encrypt(nonce, data_key, _wrap_context(claim_id, key_id))
    return key_id, nonce + sealed


def unwrap_key(ring: KeyRing, claim_id: uuid.UUID, key_id: str, wrapped: bytes) -> bytes:
    keys = dict(ring)
    if key_id not in keys:
        raise KeyRingError(f"the claim's data key is wrapped by {key_id!r}, not in the ring")
    nonce, sealed = wrapped[:_WRAP_NONCE], wrapped[_WRAP_NONCE:]
    try:
        return AESGCM(keys[key_id]).decrypt(nonce, sealed, _wrap_context(claim_id, key_id))
    except InvalidTag as exc:
        raise DocumentDecryptionError("the claim's data key does not open") from exc


def _nonce(prefix: bytes, counter: int, *, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


async def encrypt_stream(
    data_key: bytes, object_key: str, plaintext: AsyncIterable[bytes]
) -> AsyncIterator[bytes]:
    """Header, then each frame sealed; the last frame (maybe empty) says it is the last."""
    cipher = AESGCM(data_key)
    prefix = os.urandom(_PREFIX_BYTES)
    aad = object_key.encode()
    yield MAGIC + prefix
    buffer = bytearray()
    counter = 0
    async for chunk in plaintext:
        buffer += chunk
        # Strictly more than a frame: what is left at the end must be able to be the last.
        while len(buffer) > FRAME_BYTES:
            frame = bytes(buffer[:FRAME_BYTES])
            del buffer[:FRAME_BYTES]
            yield cipher.encrypt(_nonce(prefix, counter, last=False), frame, aad)
            counter += 1
    yield cipher.encrypt(_nonce(prefix, counter, last=True), bytes(buffer), aad)


async def decrypt_stream(
    data_key: bytes, object_key: str, ciphertext: AsyncIterable[bytes]
) -> AsyncIterator[bytes]:
    """The plaintext, frame by frame; raises DocumentDecryptionError on any tampering."""
    cipher = AESGCM(data_key)
    aad = object_key.encode()
    buffer = bytearray()
    prefix: bytes | None = None
    counter = 0
    async for chunk in ciphertext:
        buffer += chunk
        if prefix is None:
            if len(buffer) < HEADER_BYTES:
                continue
            if bytes(buffer[: len(MAGIC)]) != MAGIC:
                raise DocumentDecryptionError(f"{object_key} is not an encrypted document")
            prefix = bytes(buffer[len(MAGIC) : HEADER_BYTES])
            del buffer[:HEADER_BYTES]
        while len(buffer) > _SEALED_FRAME:
            frame = bytes(buffer[:_SEALED_FRAME])
            del buffer[:_SEALED_FRAME]
            yield _open(cipher, _nonce(prefix, counter, last=False), frame, aad, object_key)
            counter += 1
    if prefix is None or len(buffer) < _TAG_BYTES:
        raise DocumentDecryptionError(f"{object_key} is truncated")
    yield _open(cipher, _nonce(prefix, counter, last=True), bytes(buffer), aad, object_key)


def _open(cipher: AESGCM, nonce: bytes, frame: bytes, aad: bytes, object_key: str) -> bytes:
    try:
        return cipher.decrypt(nonce, frame, aad)
    except InvalidTag as exc:
        raise DocumentDecryptionError(f"{object_key} was altered or is not this claim's") from exc
