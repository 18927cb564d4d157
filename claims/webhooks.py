"""Webhook events and their Standard Webhooks signatures (https://www.standardwebhooks.com).

A client subscribes to claim events; each recorded step that matters to a client becomes one
event, delivered to every subscription that may see the claim. The body carries ids and
statuses only: a claimant's name, e-mail or story never leaves in a webhook.

Signing is `v1,` + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")), the secret being
the bytes after `whsec_` in base64. The id is the event's, stable across retries and
redeliveries, so a receiver drops duplicates by it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from enum import StrEnum
from typing import Any

from claims.lifecycle import EventType

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 24
SIGNATURE_VERSION = "v1"


class WebhookEvent(StrEnum):
    """The event types a subscription may ask for (`events` of POST /v1/webhooks)."""

    SUBMITTED = "claim.submitted"
    ASSESSED = "claim.assessed"
    REVIEW_REQUESTED = "claim.review_requested"
    ESCALATED = "claim.escalated"
    INFO_REQUESTED = "claim.info_requested"
    NEEDS_ATTENTION = "claim.needs_attention"
    APPROVED = "claim.approved"
    PAID = "claim.paid"
    REJECTED = "claim.rejected"
    CANCELLED = "claim.cancelled"


# The audit events clients hear about; the others (policy_checked, payment_started, …) are
# internal steps of the ones here.
WEBHOOK_EVENT_OF: dict[EventType, WebhookEvent] = {
    EventType.SUBMITTED: WebhookEvent.SUBMITTED,
    EventType.ASSESSED: WebhookEvent.ASSESSED,
    EventType.REVIEW_REQUESTED: WebhookEvent.REVIEW_REQUESTED,
    EventType.ESCALATED: WebhookEvent.ESCALATED,
    EventType.INFO_REQUESTED: WebhookEvent.INFO_REQUESTED,
    EventType.NEEDS_ATTENTION: WebhookEvent.NEEDS_ATTENTION,
    EventType.APPROVED: WebhookEvent.APPROVED,
    EventType.PAID: WebhookEvent.PAID,
    EventType.REJECTED: WebhookEvent.REJECTED,
    EventType.CANCELLED: WebhookEvent.CANCELLED,
}


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    # Dead-lettered: every attempt of the retry period failed (or the URL became unusable).
    FAILED = "failed"
    # The subscription was deleted before the delivery went out.
    CANCELLED = "cancelled"


def event_id(claim_id: uuid.UUID, step: int) -> str:
    """One id per recorded step of a claim: the same on every attempt and every subscription."""
    return f"evt_{claim_id.hex}_{step}"


def event_body(
    *,
    event: str,
    claim_id: uuid.UUID,
    step: int,
    status: str,
    occurred_at: dt.datetime,
    claim_number: str | None = None,
) -> bytes:
    """The JSON body of one event, byte-identical on every attempt (sorted, compact)."""
    document: dict[str, Any] = {
        "type": event,
        "timestamp": occurred_at.astimezone(dt.UTC).isoformat(),
        "data": {
            "event_id": event_id(claim_id, step),
            "claim_id": str(claim_id),
            "claim_number": claim_number,
            "status": status,
            "step": step,
        },
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_…` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def format_secret(key: bytes) -> str:
    return SECRET_PREFIX + base64.b64encode(key).decode()


# After a rotation, deliveries carry the old secret's signature beside the new one this long.
ROTATION_OVERLAP = dt.timedelta(hours=24)


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of an attempt."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def signed_headers(
    secret: str, *, msg_id: str, timestamp: int, body: bytes, also: str | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers, plus the content type.

    `also`: a second secret (the one before a rotation) whose signature is added, space
    separated, so a receiver verifying with either secret accepts the delivery.
    """
    secrets = [secret] if also is None else [secret, also]
    signatures = [signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }
