"""Signatures follow Standard Webhooks: checked by the `standardwebhooks` package, not by us."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claims.webhooks import event_body, event_id, format_secret, signed_headers
from infra.encryption import KeyRingError, parse_key_ring
from infra.sealing import seal, unseal

SECRET = format_secret(b"0123456789abcdefghijklmn")
RING = parse_key_ring("k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=")


def _body() -> tuple[str, bytes]:
    claim_id = uuid.uuid4()
    body = event_body(
        event="claim.paid",
        claim_id=claim_id,
        step=7,
        status="paid",
        occurred_at=dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC),
    )
    return event_id(claim_id, 7), body


def test_an_independent_implementation_verifies_our_signature() -> None:
    msg_id, body = _body()
    headers = signed_headers(SECRET, msg_id=msg_id, timestamp=int(time.time()), body=body)

    verified = Webhook(SECRET).verify(body, headers)

    assert verified["type"] == "claim.paid"
    assert verified["data"]["event_id"] == msg_id
    assert headers["webhook-signature"].startswith("v1,")


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret"])
def test_a_changed_part_fails_verification(tamper: str) -> None:
    msg_id, body = _body()
    now = int(time.time())
    headers = signed_headers(SECRET, msg_id=msg_id, timestamp=now, body=body)
    secret = SECRET
    if tamper == "body":
        body = body.replace(b"paid", b"PAID")
    elif tamper == "id":
        headers["webhook-id"] = msg_id + "x"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(now - 1)
    else:
        secret = format_secret(b"another-secret-of-24-byt")

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_the_event_id_is_stable_and_the_body_byte_identical() -> None:
    claim_id = uuid.uuid4()
    at = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    first = event_body(event="claim.paid", claim_id=claim_id, step=3, status="paid", occurred_at=at)
    again = event_body(event="claim.paid", claim_id=claim_id, step=3, status="paid", occurred_at=at)
    assert first == again
    assert event_id(claim_id, 3) == event_id(claim_id, 3) != event_id(claim_id, 4)


def test_a_sealed_secret_opens_only_on_its_own_row() -> None:
    sealed = seal(RING, SECRET, context="row-1")
    assert SECRET not in sealed
    assert unseal(RING, sealed, context="row-1") == SECRET
    with pytest.raises(InvalidTag):
        unseal(RING, sealed, context="row-2")
    with pytest.raises(KeyRingError):
        unseal(
            parse_key_ring("k2:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="),
            sealed,
            context="row-1",
        )


def test_after_a_rotation_either_secret_verifies_and_no_other() -> None:
    msg_id, body = _body()
    new = format_secret(b"the-new-secret-24-bytes!")
    headers = signed_headers(new, msg_id=msg_id, timestamp=int(time.time()), body=body, also=SECRET)

    assert len(headers["webhook-signature"].split()) == 2
    Webhook(new).verify(body, headers)
    Webhook(SECRET).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(format_secret(b"neither-of-the-two-24byt")).verify(body, headers)
