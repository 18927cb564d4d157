"""Webhook subscriptions: claim events pushed to a client's URL, signed, delivered durably.

A subscription belongs to the API key's principal. A submitter's hears about its own claims;
an adjuster's or admin's about every claim. Admins may read anyone's subscriptions and
redeliver dead-lettered deliveries.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError

from app.auth import Admin, AnyCaller
from app.deps import ClientDep, EngineDep, SettingsDep
from app.errors import field_error
from app.problems import Problem
from app.responses import AUTHENTICATED, ROLE_CHECKED, TEMPORAL_NEEDED, WITH_BODY
from app.webhook_schemas import (
    Webhook,
    WebhookCreated,
    WebhookDelivery,
    WebhookDeliveryList,
    WebhookIn,
    WebhookSecret,
)
from claims.webhooks import SECRET_BYTES, DeliveryStatus, format_secret
from infra.api_keys import ApiKey, Role
from infra.sealing import seal
from infra.settings import Settings
from infra.store import webhooks as store
from infra.webhook_urls import UrlRefusedError, check_url
from workflows.contracts import WAKE_SIGNAL, OutboxChannel, relay_start, webhook_workflow_id

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=AUTHENTICATED)

SUBSCRIPTION_SCOPED: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such subscription (or not yours)"}
}
SEES_ALL = frozenset({Role.ADJUSTER, Role.ADMIN})


def _new_secret() -> str:
    return format_secret(os.urandom(SECRET_BYTES))


def _shown(row: RowMapping) -> Webhook:
    return Webhook(
        id=row["subscription_id"],
        url=row["url"],
        events=row["events"],
        description=row["description"],
        owner=row["owner"],
        created_at=row["created_at"],
        secret_rotated_at=row["secret_rotated_at"],
    )


def _owner_filter(caller: ApiKey) -> str | None:
    # Admins read and manage every subscription; everyone else only their own.
    return None if caller.role is Role.ADMIN else caller.name


async def _subscription(
    engine: AsyncEngine, caller: ApiKey, subscription_id: uuid.UUID
) -> RowMapping:
    async with engine.connect() as conn:
        row = await store.get(
            conn=conn, subscription_id=subscription_id, owner=_owner_filter(caller)
        )
    if row is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"webhook subscription {subscription_id} not found"
        )
    return row


async def _wake_relay(client: Client, settings: Settings, subscription_id: uuid.UUID) -> None:
    """Start the subscription's relay, or wake it if it runs (one signal-with-start)."""
    start = relay_start(
        OutboxChannel.WEBHOOK,
        task_queue=settings.outbox_task_queue,
        pacing=settings.outbox_pacing(),
        subscription_id=subscription_id,
    )
    await client.start_workflow(**start, start_signal=WAKE_SIGNAL)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses={**WITH_BODY, **TEMPORAL_NEEDED},
)
async def create_webhook(
    body: WebhookIn,
    caller: AnyCaller,
    engine: EngineDep,
    client: ClientDep,
    settings: SettingsDep,
) -> WebhookCreated:
    """Subscribe a URL to claim events. The signing secret is in this response only."""
    try:
        await check_url(body.url, allow_loopback=settings.env == "dev")
    except UrlRefusedError as refused:
        raise field_error("url", str(refused)) from None
    subscription_id = uuid.uuid4()
    secret = _new_secret()
    async with engine.begin() as conn:
        row = await store.create(
            conn=conn,
            subscription_id=subscription_id,
            owner=caller.name,
            sees_all=caller.role in SEES_ALL,
            url=body.url,
            events=sorted(set(body.events)),
            description=body.description,
            sealed_secret=seal(settings.key_ring(), secret, context=str(subscription_id)),
        )
    try:
        await _wake_relay(client, settings, subscription_id)
    except RPCError:
        # Without its relay the subscription would queue events nobody delivers: undo it.
        async with engine.begin() as conn:
            await store.delete(conn=conn, subscription_id=subscription_id)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail="Temporal is unavailable"
        ) from None
    return WebhookCreated(**_shown(row).model_dump(), secret=secret)


@router.get("", response_model=list[Webhook])
async def list_webhooks(caller: AnyCaller, engine: EngineDep) -> list[Webhook]:
    """Your subscriptions (an admin's: everyone's), oldest first."""
    async with engine.connect() as conn:
        rows = await store.list_for(conn=conn, owner=_owner_filter(caller))
    return [_shown(row) for row in rows]


@router.get("/{subscription_id}", response_model=Webhook, responses=SUBSCRIPTION_SCOPED)
async def get_webhook(subscription_id: uuid.UUID, caller: AnyCaller, engine: EngineDep) -> Webhook:
    return _shown(await _subscription(engine, caller, subscription_id))


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SUBSCRIPTION_SCOPED,
)
async def delete_webhook(
    subscription_id: uuid.UUID, caller: AnyCaller, engine: EngineDep, client: ClientDep
) -> Response:
    """Stop deliveries: pending ones are cancelled, the delivery history is kept."""
    await _subscription(engine, caller, subscription_id)
    async with engine.begin() as conn:
        await store.delete(conn=conn, subscription_id=subscription_id)
    # The relay notices at its next look; the signal only makes that now.
    with contextlib.suppress(RPCError):
        await client.get_workflow_handle(webhook_workflow_id(subscription_id)).signal(WAKE_SIGNAL)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subscription_id}/rotate-secret",
    response_model=WebhookSecret,
    responses=SUBSCRIPTION_SCOPED,
)
async def rotate_webhook_secret(
    subscription_id: uuid.UUID, caller: AnyCaller, engine: EngineDep, settings: SettingsDep
) -> WebhookSecret:
    """Replace the signing secret; for a day, deliveries are signed with the old one too."""
    await _subscription(engine, caller, subscription_id)
    secret = _new_secret()
    async with engine.begin() as conn:
        await store.rotate_secret(
            conn=conn,
            subscription_id=subscription_id,
            sealed_secret=seal(settings.key_ring(), secret, context=str(subscription_id)),
        )
    return WebhookSecret(id=subscription_id, secret=secret)


@router.get(
    "/{subscription_id}/deliveries",
    response_model=WebhookDeliveryList,
    responses=SUBSCRIPTION_SCOPED,
)
async def list_webhook_deliveries(
    subscription_id: uuid.UUID,
    caller: AnyCaller,
    engine: EngineDep,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> WebhookDeliveryList:
    """Deliveries, newest first; `status=failed` lists the dead letters."""
    await _subscription(engine, caller, subscription_id)
    async with engine.connect() as conn:
        rows = await store.list_deliveries(
            conn=conn, subscription_id=subscription_id, status=delivery_status, limit=limit
        )
    return WebhookDeliveryList(items=[_delivery(row) for row in rows])


def _delivery(row: RowMapping) -> WebhookDelivery:
    return WebhookDelivery(
        id=row["delivery_id"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        claim_id=row["claim_id"],
        status=row["status"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        delivered_at=row["delivered_at"],
        failed_at=row["failed_at"],
    )


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
    engine: EngineDep,
    client: ClientDep,
    settings: SettingsDep,
) -> None:
    """Queue a dead-lettered delivery again, with a fresh retry period (admins)."""
    await _subscription(engine, caller, subscription_id)
    async with engine.begin() as conn:
        requeued = await store.redeliver(
            conn=conn, subscription_id=subscription_id, delivery_id=delivery_id
        )
    if not requeued:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"delivery {delivery_id} of this subscription is not dead-lettered",
        )
    try:
        await _wake_relay(client, settings, subscription_id)
    except RPCError:
        # Queued all the same: the relay picks it up at its next look.
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="queued again, but Temporal is unavailable to deliver it now",
        ) from None
