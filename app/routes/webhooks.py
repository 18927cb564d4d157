"""Webhook subscriptions: claim events pushed to a client's URL, signed, delivered durably.

Each route parses, authorizes by role, makes one call to the subscriptions service
(app/services/subscriptions.py) and shapes the reply.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from app.http.auth import Admin, AnyCaller
from app.http.deps import SubscriptionsDep as Service
from app.http.openapi import AUTHENTICATED, ROLE_CHECKED, TEMPORAL_NEEDED, WITH_BODY
from app.http.problems import Problem
from app.webhook_schemas import (
    Webhook,
    WebhookCreated,
    WebhookDeliveryList,
    WebhookIn,
    WebhookSecret,
)
from claims.webhooks import DeliveryStatus

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=AUTHENTICATED)

SUBSCRIPTION_SCOPED: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such subscription (or not yours)"}
}
OVER_QUOTA: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "the principal holds its quota of subscriptions"}
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses={**WITH_BODY, **OVER_QUOTA},
)
async def create_webhook(body: WebhookIn, caller: AnyCaller, service: Service) -> WebhookCreated:
    """Subscribe a URL to claim events. The signing secret is in this response only.

    A principal holds at most `CLAIMS_WEBHOOK_MAX_PER_SUBMITTER` subscriptions (staff:
    `CLAIMS_WEBHOOK_MAX_PER_STAFF`); past that, 409 until one is deleted.
    """
    return await service.create(
        caller, url=body.url, events=list(body.events), description=body.description
    )


@router.get("", response_model=list[Webhook])
async def list_webhooks(caller: AnyCaller, service: Service) -> list[Webhook]:
    """Your subscriptions (an admin's: everyone's), oldest first."""
    return await service.visible_to(caller)


@router.get("/{subscription_id}", response_model=Webhook, responses=SUBSCRIPTION_SCOPED)
async def get_webhook(subscription_id: uuid.UUID, caller: AnyCaller, service: Service) -> Webhook:
    return await service.get(caller, subscription_id)


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SUBSCRIPTION_SCOPED,
)
async def delete_webhook(
    subscription_id: uuid.UUID, caller: AnyCaller, service: Service
) -> Response:
    """Stop deliveries: pending ones are cancelled, the delivery history is kept."""
    await service.delete(caller, subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subscription_id}/resume",
    response_model=Webhook,
    responses={**SUBSCRIPTION_SCOPED, **TEMPORAL_NEEDED},
)
async def resume_webhook(
    subscription_id: uuid.UUID, caller: AnyCaller, service: Service
) -> Webhook:
    """Close the owner's circuit breaker for this receiver now and try its waiting deliveries.

    A receiver that fails repeatedly pauses its owner's subscriptions there (`paused_until`);
    another owner's breaker for the same host is its own. They resume by themselves when that
    time comes, or now, when their owner says the receiver is back.
    """
    return await service.resume(caller, subscription_id)


@router.post(
    "/{subscription_id}/rotate-secret",
    response_model=WebhookSecret,
    responses=SUBSCRIPTION_SCOPED,
)
async def rotate_webhook_secret(
    subscription_id: uuid.UUID, caller: AnyCaller, service: Service
) -> WebhookSecret:
    """Replace the signing secret; for a day, deliveries are signed with the old one too."""
    return await service.rotate_secret(caller, subscription_id)


@router.get(
    "/{subscription_id}/deliveries",
    response_model=WebhookDeliveryList,
    responses=SUBSCRIPTION_SCOPED,
)
async def list_webhook_deliveries(
    subscription_id: uuid.UUID,
    caller: AnyCaller,
    service: Service,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> WebhookDeliveryList:
    """Deliveries, newest first; `status=failed` lists the dead letters."""
    items = await service.deliveries(caller, subscription_id, status=delivery_status, limit=limit)
    return WebhookDeliveryList(items=items)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **ROLE_CHECKED,
        **TEMPORAL_NEEDED,
        404: {"model": Problem, "description": "no such subscription"},
        409: {"model": Problem, "description": "the delivery is not dead-lettered"},
    },
)
async def redeliver_webhook(
    subscription_id: uuid.UUID,
    delivery_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    caller: Admin,
    service: Service,
) -> None:
    """Queue a dead-lettered delivery again, with a fresh retry period (admins)."""
    await service.redeliver(caller, subscription_id, delivery_id)
