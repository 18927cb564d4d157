"""Encryption of every payload our processes hand to Temporal (AES-256-GCM).

Temporal stores workflow inputs, activity arguments and results, update and query payloads,
memos and failure details in its own database, and serves them to the Web UI. Claims carry
people's names, e-mails and stories, so every payload is encrypted before it leaves a process:
the codec sits in the data converter of every client and worker (`data_converter`), and failure
messages move into encoded attributes so they are encrypted too.

Keys come as a ring, `CLAIMS_ENCRYPTION_KEYS=id:base64key,…`: the first key encrypts, every key
decrypts, so keys rotate without losing the histories written under older ones. Each payload
names the id of its key. Payloads without our encoding (histories from before encryption) pass
through unchanged.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import re
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
_NONCE_BYTES = 12
_KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# (key id, 32-byte key) pairs, the encrypting key first.
KeyRing = Sequence[tuple[str, bytes]]


class KeyRingError(ValueError):
    """The configured key ring cannot be used (the message never holds key material)."""


def parse_key_ring(raw: str) -> list[tuple[str, bytes]]:
    """`id:base64key,…` into (id, 32-byte key) pairs, the encrypting key first."""
    ring: list[tuple[str, bytes]] = []
    for position, item in enumerate(filter(None, (p.strip() for p in raw.split(","))), 1):
        key_id, sep, encoded = item.partition(":")
        if not sep or not _KEY_ID_PATTERN.match(key_id):
            raise KeyRingError(f"encryption key {position} must look like id:base64key")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise KeyRingError(f"encryption key {key_id} is not valid base64") from exc
        if len(key) != 32:
            raise KeyRingError(f"encryption key {key_id} must be 32 bytes (AES-256)")
        if any(key_id == seen for seen, _ in ring):
            raise KeyRingError(f"encryption key id {key_id} appears twice")
        ring.append((key_id, key))
    if not ring:
        raise KeyRingError("the encryption key ring is empty")
    return ring


def new_key_entry(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over each whole serialized payload (data and metadata)."""

    def __init__(self, ring: Sequence[tuple[str, bytes]]) -> None:
        if not ring:
            raise KeyRingError("the encryption key ring is empty")
        self._encrypting_id = ring[0][0]
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ring}

    @property
    def key_ids(self) -> list[str]:
        return list(self._ciphers)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._encrypting_id]
        encoded = []
        for payload in payloads:
            nonce = os.urandom(_NONCE_BYTES)
            # The key id is bound as associated data: no payload passes as another key's.
            sealed = cipher.encrypt(
                nonce, payload.SerializeToString(), self._encrypting_id.encode()
            )
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: self._encrypting_id.encode()},
                    data=nonce + sealed,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)  # written before encryption: readable as it is
                continue
            key_id = payload.metadata.get(KEY_ID, b"").decode()
            cipher = self._ciphers.get(key_id)
            if cipher is None:
                raise KeyRingError(f"payload encrypted with key {key_id!r}, not in the ring")
            nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
            decoded.append(Payload.FromString(cipher.decrypt(nonce, sealed, key_id.encode())))
        return decoded


def data_converter(ring: Sequence[tuple[str, bytes]]) -> DataConverter:
    """pydantic JSON payloads, encrypted; failure messages encrypted with them."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(ring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
