"""The payload codec: AES-256-GCM, a key ring that rotates, nothing readable without a key."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload

from devstack.keys import dev_key_ring
from infra.encryption import (
    ENCODING,
    KEY_ID,
    EncryptionCodec,
    KeyRingError,
    parse_key_ring,
)
from infra.settings import Settings


def _ring(*ids: str) -> list[tuple[str, bytes]]:
    return [(key_id, key_id.encode().ljust(32, b"#")) for key_id in ids]


KEY_A = base64.b64encode(os.urandom(32)).decode()
KEY_B = base64.b64encode(os.urandom(32)).decode()
PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "Ada Lovelace"}')


async def test_payloads_round_trip_and_carry_no_plaintext() -> None:
    codec = EncryptionCodec(_ring("k1"))
    [sealed] = await codec.encode([PLAIN])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == b"k1"
    assert b"Ada" not in sealed.SerializeToString()
    assert b"json/plain" not in sealed.SerializeToString()
    assert await codec.decode([sealed]) == [PLAIN]
    # A fresh nonce each time: the same payload never encrypts the same way twice.
    [again] = await codec.encode([PLAIN])
    assert again.data != sealed.data


async def test_keys_rotate_without_losing_old_payloads() -> None:
    old = EncryptionCodec(_ring("k1"))
    [written_before] = await old.encode([PLAIN])
    rotated = EncryptionCodec(_ring("k2", "k1"))
    [written_after] = await rotated.encode([PLAIN])
    assert written_after.metadata[KEY_ID] == b"k2"
    assert await rotated.decode([written_before, written_after]) == [PLAIN, PLAIN]
    # Once k1 is dropped from the ring, what it wrote can no longer be read.
    with pytest.raises(KeyRingError, match="k1"):
        await EncryptionCodec(_ring("k2")).decode([written_before])


async def test_tampering_and_a_swapped_key_id_are_detected() -> None:
    codec = EncryptionCodec(_ring("k1", "k2"))
    [sealed] = await codec.encode([PLAIN])
    # Flip a bit of the last byte: writing a fixed byte changed nothing 1 time in 256 (a CI run
    # met it, when the tag's last byte was already that one).
    tampered = Payload(
        metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 0x01])
    )
    with pytest.raises(InvalidTag):
        await codec.decode([tampered])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID: b"k2"}, data=sealed.data)
    with pytest.raises(InvalidTag):
        await codec.decode([relabelled])


async def test_payloads_from_before_encryption_still_read() -> None:
    assert await EncryptionCodec(_ring("k1")).decode([PLAIN]) == [PLAIN]


_REASONS = {"empty", "id:base64key", "base64", "32 bytes", "twice"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("k1", "id:base64key"),
        ("k1:not-base64!", "base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "32 bytes"),
        (
            f"k1:{base64.b64encode(os.urandom(32)).decode()},k1:{base64.b64encode(os.urandom(32)).decode()}",
            "twice",
        ),
    ],
    # Named by the refusal, not the random key: every process of a parallel run collects alike.
    ids=lambda value: value if value in _REASONS else "ring",
)
def test_a_bad_key_ring_is_refused_without_echoing_key_material(raw: str, reason: str) -> None:
    with pytest.raises(KeyRingError, match=reason) as refused:
        parse_key_ring(raw)
    secret = raw.partition(":")[2][:8]
    if len(secret) >= 8:
        assert secret not in str(refused.value)


def test_prod_refuses_to_run_without_a_key_ring() -> None:
    settings = Settings(env="prod", temporal_address="temporal:7233", encryption_keys=None)
    assert any(
        "CLAIMS_ENCRYPTION_KEYS" in p
        for p in settings.production_problems(needs_keys=False, needs_database=False)
    )
    with pytest.raises(KeyRingError):
        settings.key_ring()


def test_no_process_invents_a_ring_of_its_own_even_in_dev() -> None:
    # A process that made its own ring would write payloads no other process could read.
    with pytest.raises(KeyRingError, match="claims dev"):
        Settings(env="dev", encryption_keys=None).key_ring()


def test_dev_generates_one_ring_under_the_data_dir(tmp_path: Path) -> None:
    first = dev_key_ring(tmp_path)
    assert dev_key_ring(tmp_path) == first
    [(key_id, key)] = parse_key_ring(first)
    assert (key_id, len(key)) == ("dev1", 32)
    mode = stat.S_IMODE((tmp_path / "encryption-keys").stat().st_mode)
    assert mode == 0o600
