"""Webhook deliveries: each attempt POSTs one event, signed, once, to a receiver checked
against SSRF at the moment of sending, and feeds its owner's circuit breaker for that host.

The shared half of an attempt (reading, outcome, log line) is activities/outbox_attempts.py.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

import contracts as c
from activities.outbox_attempts import Attempt, Failure, now
from claims.delivery import Pacing, http_failure_is_permanent, unresolvable_for_good
from claims.webhooks import ROTATION_OVERLAP, DeliveryStatus, event_body, signed_headers
from infra.encryption import KeyRing
from infra.sealing import unseal
from infra.store import deliveries, receivers
from infra.store.deliveries import DeliveryAttempt
from infra.store.subscriptions import may_see
from infra.webhook_urls import CheckedUrl, UnresolvableError, UrlRefusedError, check_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookConfig:
    # Dev lets webhooks reach loopback (a receiver on the same machine); prod never.
    allow_loopback: bool = False
    attempt_timeout_s: float = 10.0
    pacing: Pacing = field(default_factory=Pacing)
    # A receiver host failing this many attempts in a row pauses its subscriptions this long.
    breaker_failures: int = 5
    breaker_cooldown_s: float = 300.0


class WebhookActivities:
    def __init__(
        self, engine: AsyncEngine, key_ring: KeyRing, config: WebhookConfig | None = None
    ) -> None:
        self._engine = engine
        self._ring = key_ring
        self._config = config or WebhookConfig()
        # One TLS context for every delivery: building one reads the CA bundle.
        self._tls = ssl.create_default_context()

    @activity.defn(name=c.NEXT_WEBHOOKS.name)
    async def due(self, request: c.DueInput) -> c.DueResult:
        async with self._engine.connect() as conn:
            ids, capped = await deliveries.due(
                conn=conn,
                relay=request.relay,
                exclude=request.exclude,
                limit=request.limit,
                per_principal=request.per_principal,
            )
            next_due = await deliveries.next_due_in_s(conn=conn, relay=request.relay)
        return c.DueResult(ids=ids, capped=capped, next_due_in_s=next_due)

    @activity.defn(name=c.DELIVER.name)
    async def deliver(self, item: c.OutboxItem) -> c.AttemptResult:
        """POST one event, signed, once; record what came of it."""
        async with self._engine.connect() as conn:
            row = await deliveries.for_attempt(conn=conn, delivery_id=item.id)
        if row is None or row.status != DeliveryStatus.PENDING:
            return c.AttemptResult()
        refusal = self._refusal(row)
        if refusal is not None:
            async with self._engine.begin() as conn:
                await deliveries.settle(
                    conn=conn, delivery_id=item.id, status=DeliveryStatus.CANCELLED, reason=refusal
                )
            log.info("webhook %d cancelled: %s", item.id, refusal)
            return c.AttemptResult()
        if not row.owner_active:
            # Paused with its owner: the dispatcher does not hand these out.
            return c.AttemptResult()
        attempt = Attempt("webhook", item.id, row, self._config.pacing)
        failure = await self._send(row)
        outcome = attempt.outcome(failure)
        async with self._engine.begin() as conn:
            await deliveries.record_outcome(conn=conn, delivery_id=item.id, outcome=outcome)
            opened = await self._breaker(conn, row.owner, row.host, failure)
        if opened:
            log.warning(
                "receiver %s paused for %s for %g s after %d failures in a row",
                row.host,
                row.owner,
                self._config.breaker_cooldown_s,
                self._config.breaker_failures,
            )
        return attempt.finished(outcome)

    @staticmethod
    def _refusal(row: DeliveryAttempt) -> str | None:
        """Why this delivery must not be made any more (None: it may)."""
        if row.deleted_at is not None:
            return "subscription deleted"
        if row.owner_active and not may_see(row.owner_role, row.owner, row.submitted_by):
            # Decided at use: the owner's role now, not the one it had when it subscribed.
            return "the subscription's owner may no longer see this claim"
        return None

    async def _breaker(
        self, conn: AsyncConnection, owner: str, host: str, failure: Failure | None
    ) -> bool:
        if failure is None or not failure.receiver_at_fault:
            await receivers.answered(conn=conn, owner=owner, host=host)
            return False
        return await receivers.failed(
            conn=conn,
            owner=owner,
            host=host,
            error=failure.error,
            threshold=self._config.breaker_failures,
            cooldown_s=self._config.breaker_cooldown_s,
        )

    async def _send(self, row: DeliveryAttempt) -> Failure | None:
        try:
            checked = await check_url(row.url, allow_loopback=self._config.allow_loopback)
        except UnresolvableError as unresolved:
            gone = unresolvable_for_good(
                attempts_before=row.attempts, last_error=row.last_error, error=str(unresolved)
            )
            return Failure(str(unresolved), permanent=gone)
        except UrlRefusedError as refused:
            return Failure(str(refused), permanent=True, receiver_at_fault=False)
        context = str(row.subscription_id)
        secret = unseal(self._ring, row.sealed_secret, context=context)
        previous = None
        rotated_at = row.secret_rotated_at
        if row.previous_sealed_secret and rotated_at and rotated_at > now() - ROTATION_OVERLAP:
            previous = unseal(self._ring, row.previous_sealed_secret, context=context)
        body = event_body(
            event=row.event_type,
            claim_id=row.claim_id,
            step=row.step,
            status=row.claim_status,
            occurred_at=row.occurred_at,
            claim_number=row.claim_number,
        )
        headers = signed_headers(
            secret, msg_id=row.event_id, timestamp=int(time.time()), body=body, also=previous
        )
        return await self._post(checked, body, headers)

    async def _post(self, url: CheckedUrl, body: bytes, headers: dict[str, str]) -> Failure | None:
        """The failure of one POST, or None on 2xx. Redirects are not followed (SSRF).

        It connects to the addresses just checked, in turn, never to a fresh lookup of the name.
        """
        failure: Failure | None = Failure("no address", permanent=False)
        for address in url.addresses:
            target, host, extensions = url.pinned(address)
            failure = await self._post_to(target, body, headers | host, extensions)
            if failure is None or failure.error != "ConnectError":
                break
        return failure

    async def _post_to(
        self, target: str, body: bytes, headers: dict[str, str], extensions: dict[str, Any]
    ) -> Failure | None:
        try:
            # httpx's timeout is per read; the attempt as a whole is bounded too (a receiver
            # trickling bytes must not hold a slot).
            async with (
                asyncio.timeout(self._config.attempt_timeout_s),
                httpx.AsyncClient(
                    verify=self._tls,
                    follow_redirects=False,
                    timeout=self._config.attempt_timeout_s,
                    trust_env=False,
                ) as http,
            ):
                response = await http.post(
                    target, content=body, headers=headers, extensions=extensions
                )
        except (httpx.TimeoutException, TimeoutError):
            return Failure(f"no answer within {self._config.attempt_timeout_s:g} s", False)
        except httpx.HTTPError as exc:
            return Failure(type(exc).__name__, permanent=False)
        code = response.status_code
        if 200 <= code < 300:
            return None
        if 300 <= code < 400:
            return Failure(f"HTTP {code} (redirects are not followed)", permanent=False)
        if http_failure_is_permanent(code):
            return Failure(f"HTTP {code}", permanent=True, receiver_at_fault=False)
        return Failure(f"HTTP {code}", permanent=False, receiver_at_fault=code >= 500)
