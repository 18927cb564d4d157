"""Webhook subscriptions, as a service: make, read, pause and resume, rotate, redeliver.

A subscription belongs to the API key's principal, up to a quota per principal. What it hears
is decided at delivery from its owner's current role (authorization at use): a submitter's
hears about its own claims, an adjuster's or admin's about every claim. Admins read and manage
anyone's. Errors are `ServiceError`s, answered as problems by app/http/errors.py.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError

from app.services.errors import (
    ConflictError,
    InvalidFieldError,
    NotFoundError,
    TemporalUnavailableError,
)
from app.webhook_schemas import Webhook, WebhookCreated, WebhookDelivery, WebhookSecret
from claims.webhooks import SECRET_BYTES, DeliveryStatus, format_secret
from contracts import REQUEUE_SIGNAL, WAKE_SIGNAL, OutboxChannel, Requeued, dispatcher_start
from infra.api_keys import ApiKey, Role
from infra.sealing import seal
from infra.settings import Settings
from infra.store import receivers
from infra.store import subscriptions as store
from infra.store.subscriptions import DeliveryRow, SubscriptionRow
from infra.webhook_urls import UrlRefusedError, check_url

SEES_ALL = frozenset({Role.ADJUSTER, Role.ADMIN})


class Subscriptions:
    def __init__(self, client: Client, engine: AsyncEngine, settings: Settings) -> None:
        self._client = client
        self._engine = engine
        self._settings = settings

    async def create(
        self, caller: ApiKey, *, url: str, events: list[str], description: str
    ) -> WebhookCreated:
        """Subscribe a URL; the signing secret is returned here only."""
        try:
            checked = await check_url(url, allow_loopback=self._settings.env == "dev")
        except UrlRefusedError as refused:
            raise InvalidFieldError("url", str(refused)) from None
        subscription_id = uuid.uuid4()
        secret = format_secret(os.urandom(SECRET_BYTES))
        quota = self._quota(caller)
        async with self._engine.begin() as conn:
            if await store.count_live(conn=conn, owner=caller.name) >= quota:
                raise ConflictError(
                    f"you hold the most webhook subscriptions allowed ({quota}); "
                    "delete one before making another"
                )
            await store.create(
                conn=conn,
                subscription_id=subscription_id,
                owner=caller.name,
                relay=self._settings.outbox_task_queue,
                host=checked.receiver,
                url=url,
                events=sorted(set(events)),
                description=description,
                sealed_secret=self._sealed(secret, subscription_id),
            )
            row = await store.get(conn=conn, subscription_id=subscription_id)
        if row is None:  # pragma: no cover - written in this transaction
            raise NotFoundError(f"webhook subscription {subscription_id} not found")
        return WebhookCreated(**shown(row).model_dump(), secret=secret)

    async def visible_to(self, caller: ApiKey) -> list[Webhook]:
        """The caller's subscriptions (an admin's: everyone's), oldest first."""
        async with self._engine.connect() as conn:
            rows = await store.list_for(conn=conn, owner=_owner_filter(caller))
        return [shown(row) for row in rows]

    async def get(self, caller: ApiKey, subscription_id: uuid.UUID) -> Webhook:
        return shown(await self._owned(caller, subscription_id))

    async def delete(self, caller: ApiKey, subscription_id: uuid.UUID) -> None:
        """Stop deliveries: pending ones are cancelled, the delivery history is kept."""
        await self._owned(caller, subscription_id)
        async with self._engine.begin() as conn:
            await store.delete(conn=conn, subscription_id=subscription_id)

    async def resume(self, caller: ApiKey, subscription_id: uuid.UUID) -> Webhook:
        """Close the owner's circuit breaker for this receiver now and try its waiting
        deliveries again (an admin resuming another's subscription resumes the owner's)."""
        row = await self._owned(caller, subscription_id)
        async with self._engine.begin() as conn:
            await receivers.resume(conn=conn, owner=row.owner, host=row.host)
            resumed = await store.get(conn=conn, subscription_id=subscription_id)
        if resumed is None:  # pragma: no cover - read in this transaction
            raise NotFoundError(f"webhook subscription {subscription_id} not found")
        await self._wake("resumed")
        return shown(resumed)

    async def rotate_secret(self, caller: ApiKey, subscription_id: uuid.UUID) -> WebhookSecret:
        """A new signing secret; for a day, deliveries are signed with the old one too."""
        await self._owned(caller, subscription_id)
        secret = format_secret(os.urandom(SECRET_BYTES))
        async with self._engine.begin() as conn:
            await store.rotate_secret(
                conn=conn,
                subscription_id=subscription_id,
                sealed_secret=self._sealed(secret, subscription_id),
            )
        return WebhookSecret(id=subscription_id, secret=secret)

    async def deliveries(
        self,
        caller: ApiKey,
        subscription_id: uuid.UUID,
        *,
        status: DeliveryStatus | None,
        limit: int,
    ) -> list[WebhookDelivery]:
        """Deliveries, newest first; a submitter sees only those about its own claims."""
        await self._owned(caller, subscription_id)
        async with self._engine.connect() as conn:
            rows = await store.list_for_subscription(
                conn=conn,
                subscription_id=subscription_id,
                status=status,
                limit=limit,
                # What the caller may see now: a demoted principal no longer reads others'.
                claims_of=None if caller.role in SEES_ALL else caller.name,
            )
        return [_delivery(row) for row in rows]

    async def redeliver(self, caller: ApiKey, subscription_id: uuid.UUID, delivery_id: int) -> None:
        """Queue a dead-lettered delivery again, with a fresh retry period."""
        await self._owned(caller, subscription_id)
        async with self._engine.begin() as conn:
            requeued = await store.redeliver(
                conn=conn, subscription_id=subscription_id, delivery_id=delivery_id
            )
        if not requeued:
            raise ConflictError(f"delivery {delivery_id} of this subscription is not dead-lettered")
        # Requeue, not a bare wake: the attempt that dead-lettered it may still be in flight.
        await self._wake("queued again", requeued=[delivery_id])

    async def _owned(self, caller: ApiKey, subscription_id: uuid.UUID) -> SubscriptionRow:
        async with self._engine.connect() as conn:
            row = await store.get(
                conn=conn, subscription_id=subscription_id, owner=_owner_filter(caller)
            )
        if row is None:
            raise NotFoundError(f"webhook subscription {subscription_id} not found")
        return row

    async def _wake(self, done: str, *, requeued: list[int] | None = None) -> None:
        """Wake the webhook dispatcher, starting it if need be (one signal-with-start)."""
        start = dispatcher_start(
            OutboxChannel.WEBHOOK,
            task_queue=self._settings.outbox_task_queue,
            pacing=self._settings.outbox_pacing(),
        )
        signal: dict[str, Any] = {"start_signal": WAKE_SIGNAL}
        if requeued:
            signal = {"start_signal": REQUEUE_SIGNAL, "start_signal_args": [Requeued(ids=requeued)]}
        try:
            await self._client.start_workflow(**start, **signal)
        except RPCError:
            # Done all the same: the dispatcher picks it up at its next look.
            raise TemporalUnavailableError(
                f"{done}, but Temporal is unavailable to deliver it now"
            ) from None

    def _quota(self, caller: ApiKey) -> int:
        if caller.role in SEES_ALL:
            return self._settings.webhook_max_per_staff
        return self._settings.webhook_max_per_submitter

    def _sealed(self, secret: str, subscription_id: uuid.UUID) -> str:
        return seal(self._settings.key_ring(), secret, context=str(subscription_id))


def _owner_filter(caller: ApiKey) -> str | None:
    # Admins read and manage every subscription; everyone else only their own.
    return None if caller.role is Role.ADMIN else caller.name


def _pause(row: SubscriptionRow) -> tuple[dt.datetime | None, str | None]:
    if row.owner_active is not True:
        return None, "the subscription's owner is no longer a configured principal"
    until = row.breaker_open_until
    if until is not None and until > dt.datetime.now(dt.UTC):
        return until, f"the receiver failed repeatedly (last: {row.breaker_error})"
    return None, None


def shown(row: SubscriptionRow) -> Webhook:
    paused_until, paused_reason = _pause(row)
    return Webhook(
        id=row.subscription_id,
        url=row.url,
        events=row.events,
        description=row.description,
        owner=row.owner,
        created_at=row.created_at,
        secret_rotated_at=row.secret_rotated_at,
        paused_until=paused_until,
        paused_reason=paused_reason,
    )


def _delivery(row: DeliveryRow) -> WebhookDelivery:
    return WebhookDelivery.model_validate(asdict(row) | {"id": row.delivery_id})
