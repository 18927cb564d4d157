"""Bodies of the webhook routes (/v1/webhooks)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from claims.text import Line
from claims.webhooks import DeliveryStatus, WebhookEvent
from infra.webhook_urls import MAX_URL_LENGTH


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[Line, Field(min_length=1, max_length=MAX_URL_LENGTH)]
    events: Annotated[list[WebhookEvent], Field(min_length=1, max_length=len(WebhookEvent))]
    description: Annotated[Line, Field(max_length=500)] = ""


class Webhook(BaseModel):
    """A subscription as its owner sees it: never its secret, which is shown once."""

    id: uuid.UUID
    url: str
    events: list[WebhookEvent]
    description: str
    owner: str
    created_at: dt.datetime
    secret_rotated_at: dt.datetime | None = None
    paused_until: dt.datetime | None = Field(
        default=None,
        description="Deliveries are paused until then: the receiver failed repeatedly for "
        "this subscription's owner (the owner's circuit breaker for that host is open; other "
        "owners' are their own). `POST /v1/webhooks/{id}/resume` tries again now.",
    )
    paused_reason: str | None = Field(
        default=None, description="Why deliveries are paused; null while they are not."
    )


class WebhookCreated(Webhook):
    secret: str = Field(
        description="The signing secret (`whsec_…`), shown only here and on rotation."
    )


class WebhookSecret(BaseModel):
    id: uuid.UUID
    secret: str = Field(
        description="The new signing secret. For 24 hours deliveries carry the old secret's "
        "signature beside the new one, so a receiver can switch without dropping any."
    )


class WebhookDelivery(BaseModel):
    id: int
    event_id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    event_type: WebhookEvent
    claim_id: uuid.UUID
    status: DeliveryStatus
    attempts: int
    last_error: str | None = None
    created_at: dt.datetime
    delivered_at: dt.datetime | None = None
    failed_at: dt.datetime | None = None


class WebhookDeliveryList(BaseModel):
    items: list[WebhookDelivery]
