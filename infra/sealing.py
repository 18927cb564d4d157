"""Secrets at rest in Postgres, sealed with the payload key ring (AES-256-GCM).

A webhook signing secret must be stored in a form we can read back (HMAC needs the key itself,
not a hash of it), so it is encrypted with the same ring as Temporal payloads: the first key
seals, any key of the ring opens, and rotating the ring keeps old rows readable. The row's id
is bound as associated data, so a sealed secret copied onto another row does not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.encryption import KeyRing, KeyRingError

_NONCE_BYTES = 12


def seal(ring: KeyRing, plaintext: str, *, context: str) -> str:
    """`key_id:base64(nonce + ciphertext)`."""
    key_id, key = ring[0]
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), f"{key_id}|{context}".encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(ring: KeyRing, sealed: str, *, context: str) -> str:
    key_id, _, encoded = sealed.partition(":")
    keys = dict(ring)
    if key_id not in keys:
        raise KeyRingError(f"secret sealed with key {key_id!r}, not in the ring")
    raw = base64.b64decode(encoded)
    nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return AESGCM(keys[key_id]).decrypt(nonce, body, f"{key_id}|{context}".encode()).decode()
