"""Outbox activities: webhook deliveries and claimant e-mails, run by the outbox worker.

Each delivery activity reads its row, does nothing if the row is already settled (a retry after
a success the worker never reported), sends, and records the attempt. A crash between sending
and recording repeats the send with the same id (`webhook-id`, `Message-ID`): a receiver drops
the duplicate by it. Activity inputs are row ids only: no URL, secret or address passes through
Temporal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import contracts as c
from claims.lifecycle import NotificationKind
from claims.messages import render
from claims.webhooks import ROTATION_OVERLAP, DeliveryStatus, event_body, signed_headers
from infra.encryption import KeyRing
from infra.sealing import unseal
from infra.store import notifications
from infra.store import webhooks as store
from infra.webhook_urls import CheckedUrl, UrlRefusedError, check_url


@dataclass(frozen=True)
class WebhookConfig:
    # Dev lets webhooks reach loopback (a receiver on the same machine); prod never.
    allow_loopback: bool = False
    attempt_timeout_s: float = 10.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "claims@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 30.0

    @property
    def message_domain(self) -> str:
        return self.sender.rpartition("@")[2] or "localhost"


def _failed(what: str, error: str, *, permanent: bool = False) -> ApplicationError:
    return ApplicationError(
        f"{what}: {error}",
        type=c.UNDELIVERABLE if permanent else "DeliveryFailed",
        non_retryable=permanent,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _period_over(item: c.OutboxItem) -> bool:
    return item.give_up_at is not None and _now() >= item.give_up_at


def _unless_period_over(item: c.OutboxItem, what: str) -> None:
    """An attempt due after the retry period gives up without sending."""
    if _period_over(item):
        raise _failed(what, "retry period over", permanent=True)


class WebhookActivities:
    def __init__(
        self, engine: AsyncEngine, key_ring: KeyRing, config: WebhookConfig | None = None
    ) -> None:
        self._engine = engine
        self._ring = key_ring
        self._config = config or WebhookConfig()
        # One TLS context for every delivery: building one reads the CA bundle.
        self._tls = ssl.create_default_context()

    @activity.defn(name=c.DUE_WEBHOOKS)
    async def due(self, request: c.DueInput) -> c.DueResult:
        if request.subscription_id is None:
            raise ApplicationError("a webhook relay needs its subscription", non_retryable=True)
        async with self._engine.connect() as conn:
            live = await store.get(conn=conn, subscription_id=request.subscription_id)
            if live is None:
                return c.DueResult(ids=[], active=False)
            ids = await store.due(
                conn=conn,
                subscription_id=request.subscription_id,
                exclude=request.exclude,
                limit=request.limit,
            )
        return c.DueResult(ids=ids)

    @activity.defn(name=c.DELIVER_WEBHOOK)
    async def deliver(self, item: c.OutboxItem) -> None:
        """POST one event, signed; 2xx settles it, anything else is retried."""
        async with self._engine.connect() as conn:
            row = await store.delivery_with_subscription(conn=conn, delivery_id=item.id)
        if row is None or row["status"] != DeliveryStatus.PENDING:
            return
        _unless_period_over(item, "webhook")
        if row["deleted_at"] is not None:
            await self._settle(item.id, DeliveryStatus.CANCELLED)
            return
        try:
            checked = await check_url(row["url"], allow_loopback=self._config.allow_loopback)
        except UrlRefusedError as refused:
            await self._attempted(item.id, str(refused), delivered=False)
            raise _failed("webhook", str(refused), permanent=True) from None
        context = str(row["subscription_id"])
        secret = unseal(self._ring, row["sealed_secret"], context=context)
        previous = None
        rotated_at = row["secret_rotated_at"]
        if row["previous_sealed_secret"] and rotated_at > _now() - ROTATION_OVERLAP:
            previous = unseal(self._ring, row["previous_sealed_secret"], context=context)
        body = event_body(
            event=row["event_type"],
            claim_id=row["claim_id"],
            step=row["step"],
            status=row["claim_status"],
            occurred_at=row["occurred_at"],
        )
        headers = signed_headers(
            secret, msg_id=row["event_id"], timestamp=int(time.time()), body=body, also=previous
        )
        error = await self._post(checked, body, headers)
        await self._attempted(item.id, error, delivered=error is None)
        if error is not None:
            raise _failed("webhook", error, permanent=_period_over(item))
        activity.logger.info("delivered %s (delivery %d)", row["event_type"], item.id)

    async def _post(self, url: CheckedUrl, body: bytes, headers: dict[str, str]) -> str | None:
        """The error of one POST, or None on 2xx. Redirects are not followed (SSRF).

        It connects to the addresses just checked, in turn, never to a fresh lookup of the name.
        """
        error = "no address"
        for address in url.addresses:
            target, host, extensions = url.pinned(address)
            error = await self._post_to(target, body, headers | host, extensions)
            if error != "ConnectError":
                break
        return error or None

    async def _post_to(
        self, target: str, body: bytes, headers: dict[str, str], extensions: dict[str, Any]
    ) -> str:
        """One POST's error, or "" on 2xx."""
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
            return f"no answer within {self._config.attempt_timeout_s:g} s"
        except httpx.HTTPError as exc:
            return type(exc).__name__
        if 200 <= response.status_code < 300:
            return ""
        if 300 <= response.status_code < 400:
            return f"HTTP {response.status_code} (redirects are not followed)"
        return f"HTTP {response.status_code}"

    async def _attempted(self, delivery_id: int, error: str | None, *, delivered: bool) -> None:
        async with self._engine.begin() as conn:
            await store.record_attempt(
                conn=conn,
                delivery_id=delivery_id,
                status=DeliveryStatus.DELIVERED if delivered else None,
                error=error,
            )

    async def _settle(self, delivery_id: int, status: DeliveryStatus) -> None:
        async with self._engine.begin() as conn:
            await store.settle(conn=conn, delivery_id=delivery_id, status=status)

    @activity.defn(name=c.DEAD_LETTER_WEBHOOK)
    async def dead_letter(self, request: c.DeadLetterInput) -> None:
        await self._settle(request.id, DeliveryStatus.FAILED)
        activity.logger.warning("webhook delivery %d dead-lettered: %s", request.id, request.reason)


class MailActivities:
    def __init__(self, engine: AsyncEngine, smtp: SmtpConfig) -> None:
        self._engine = engine
        self._smtp = smtp

    @activity.defn(name=c.DUE_EMAILS)
    async def due(self, request: c.DueInput) -> c.DueResult:
        async with self._engine.connect() as conn:
            ids = await notifications.due(conn=conn, exclude=request.exclude, limit=request.limit)
        return c.DueResult(ids=ids)

    @activity.defn(name=c.SEND_EMAIL)
    async def send(self, item: c.OutboxItem) -> None:
        """Send one notification to its claimant through the SMTP relay, once."""
        async with self._engine.connect() as conn:
            row = await notifications.unsent(conn=conn, notification_id=item.id)
        if row is None:
            return
        _unless_period_over(item, "email")
        message = self._message(row)
        try:
            await aiosmtplib.send(message, **self._connection())
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx is the server's final answer (unknown mailbox, refused sender): no retry.
            await self._attempted(item.id, f"SMTP {exc.code}", sent=False)
            permanent = exc.code >= 500 or _period_over(item)
            raise _failed("email", f"SMTP {exc.code}", permanent=permanent) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._attempted(item.id, type(exc).__name__, sent=False)
            raise _failed("email", type(exc).__name__, permanent=_period_over(item)) from None
        await self._attempted(item.id, None, sent=True)
        activity.logger.info("sent %s e-mail (notification %d)", row["kind"], item.id)

    def _message(self, row: Any) -> EmailMessage:
        subject, text = render(NotificationKind(row["kind"]), row["payload"], row["claim_id"])
        message = EmailMessage()
        message["From"] = self._smtp.sender
        message["To"] = row["recipient"]
        message["Subject"] = subject
        # Derived from the row, so a resend after a crash is recognisably the same message.
        message["Message-ID"] = f"<notification-{row['id']}@{self._smtp.message_domain}>"
        message.set_content(text)
        return message

    def _connection(self) -> dict[str, Any]:
        smtp = self._smtp
        return {
            "hostname": smtp.host,
            "port": smtp.port,
            "username": smtp.username,
            "password": smtp.password,
            "start_tls": smtp.starttls,
            "timeout": smtp.timeout_s,
        }

    async def _attempted(self, notification_id: int, error: str | None, *, sent: bool) -> None:
        async with self._engine.begin() as conn:
            await notifications.record_attempt(
                conn=conn, notification_id=notification_id, sent=sent, error=error
            )

    @activity.defn(name=c.DEAD_LETTER_EMAIL)
    async def dead_letter(self, request: c.DeadLetterInput) -> None:
        async with self._engine.begin() as conn:
            await notifications.dead_letter(conn=conn, notification_id=request.id)
        activity.logger.warning("e-mail %d dead-lettered: %s", request.id, request.reason)
