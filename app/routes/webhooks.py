"""Webhook subscriptions: claim events pushed to a client's URL, signed, delivered durably.

A subscription belongs to the API key's principal, up to a quota per principal. What it hears
is decided at delivery from its owner's current role: a submitter's hears about its own claims,
an adjuster's or admin's about every claim. Admins may read anyone's subscriptions and
redeliver dead-lettered deliveries.
"""

from __future__ import annotations

import datetime as dt
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
from workflows.contracts import WAKE_SIGNAL, OutboxChannel, dispatcher_start

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=AUTHENTICATED)

SUBSCRIPTION_SCOPED: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such subscription (or not yours)"}
}
SEES_ALL = frozenset({Role.ADJUSTER, Role.ADMIN})
OVER_QUOTA: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "the principal holds its quota of subscriptions"}
}


def _new_secret() -> str:
    return format_secret(os.urandom(SECRET_BYTES))


def _pause(row: RowMapping) -> tuple[dt.datetime | None, str | None]:
    if row["owner_active"] is not True:
        return None, "the subscription's owner is no longer a configured principal"
    until = row["breaker_open_until"]
    if until is not None and until > dt.datetime.now(dt.UTC):
        return until, f"the receiver failed repeatedly (last: {row['breaker_error']})"
    return None, None


def _shown(row: RowMapping) -> Webhook:
    paused_until, paused_reason = _pause(row)
    return Webhook(
        id=row["subscription_id"],
        url=row["url"],
        events=row["events"],
        description=row["description"],
        owner=row["owner"],
        created_at=row["created_at"],
        secret_rotated_at=row["secret_rotated_at"],
        paused_until=paused_until,
        paused_reason=paused_reason,
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


async def _wake_dispatcher(client: Client, settings: Settings) -> None:
    """Wake the webhook dispatcher, starting it if it is not running (one signal-with-start)."""
    start = dispatcher_start(
        OutboxChannel.WEBHOOK,
        task_queue=settings.outbox_task_queue,
        pacing=settings.outbox_pacing(),
    )
    await client.start_workflow(**start, start_signal=WAKE_SIGNAL)


def _quota(settings: Settings, caller: ApiKey) -> int:
    if caller.role in SEES_ALL:
        return settings.webhook_max_per_staff
    return settings.webhook_max_per_submitter


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses={**WITH_BODY, **OVER_QUOTA},
)
async def create_webhook(
    body: WebhookIn,
    caller: AnyCaller,
    engine: EngineDep,
    settings: SettingsDep,
) -> WebhookCreated:
    """Subscribe a URL to claim events. The signing secret is in this response only.

    A principal holds at most `CLAIMS_WEBHOOK_MAX_PER_SUBMITTER` subscriptions (staff:
    `CLAIMS_WEBHOOK_MAX_PER_STAFF`); past that, 409 until one is deleted.
    """
    try:
        checked = await check_url(body.url, allow_loopback=settings.env == "dev")
    except UrlRefusedError as refused:
        raise field_error("url", str(refused)) from None
    subscription_id = uuid.uuid4()
    secret = _new_secret()
    quota = _quota(settings, caller)
    async with engine.begin() as conn:
        if await store.count_live(conn=conn, owner=caller.name) >= quota:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                detail=f"you hold the most webhook subscriptions allowed ({quota}); "
                "delete one before making another",
            )
        await store.create(
            conn=conn,
            subscription_id=subscription_id,
            owner=caller.name,
            relay=settings.outbox_task_queue,
            host=checked.receiver,
            url=body.url,
            events=sorted(set(body.events)),
            description=body.description,
            sealed_secret=seal(settings.key_ring(), secret, context=str(subscription_id)),
        )
        row = await store.get(conn=conn, subscription_id=subscription_id)
    assert row is not None
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
    subscription_id: uuid.UUID, caller: AnyCaller, engine: EngineDep
) -> Response:
    """Stop deliveries: pending ones are cancelled, the delivery history is kept."""
    await _subscription(engine, caller, subscription_id)
    async with engine.begin() as conn:
        await store.delete(conn=conn, subscription_id=subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subscription_id}/resume",
    response_model=Webhook,
    responses={**SUBSCRIPTION_SCOPED, **TEMPORAL_NEEDED},
)
async def resume_webhook(
    subscription_id: uuid.UUID,
    caller: AnyCaller,
    engine: EngineDep,
    client: ClientDep,
    settings: SettingsDep,
) -> Webhook:
    """Close the receiver's circuit breaker now and try its waiting deliveries again.

    A receiver that fails repeatedly pauses its subscriptions (`paused_until`); they resume by
    themselves when that time comes, or now, when their owner says the receiver is back.
    """
    row = await _subscription(engine, caller, subscription_id)
    async with engine.begin() as conn:
        await store.resume(conn=conn, host=row["host"])
        resumed = await store.get(conn=conn, subscription_id=subscription_id)
    assert resumed is not None
    await _wake_or_503(client, settings, "resumed")
    return _shown(resumed)


async def _wake_or_503(client: Client, settings: Settings, done: str) -> None:
    try:
        await _wake_dispatcher(client, settings)
    except RPCError:
        # Done all the same: the dispatcher picks it up at its next look.
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"{done}, but Temporal is unavailable to deliver it now",
        ) from None


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
            conn=conn,
            subscription_id=subscription_id,
            status=delivery_status,
            limit=limit,
            # What the caller may see now: a demoted principal no longer reads others' claims.
            claims_of=None if caller.role in SEES_ALL else caller.name,
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
    await _wake_or_503(client, settings, "queued again")
