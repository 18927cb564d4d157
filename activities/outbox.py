"""Outbox activities: webhook deliveries and claimant e-mails, run by the outbox worker.

Each attempt reads its row, does nothing if the row is already settled (a retry after a success
the worker never reported), sends once, and records the outcome on the row in one transaction:
delivered; dead-lettered at once when the failure is permanent (claims/delivery.py); or
scheduled for a later attempt. Delivery failures are outcomes, not exceptions, so no attempt
sleeps in a retry holding a slot, and each is logged as one line. A crash between sending and
recording repeats the send with the same id (`webhook-id`, `Message-ID`): a receiver drops the
duplicate by it. Activity inputs are row ids only: no URL, secret or address passes Temporal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

import contracts as c
from claims.delivery import (
    Outcome,
    Pacing,
    Verdict,
    after_failure,
    http_failure_is_permanent,
    smtp_failure_is_permanent,
    unresolvable_for_good,
)
from claims.lifecycle import NotificationKind
from claims.messages import render
from claims.text import mailbox_problem
from claims.webhooks import ROTATION_OVERLAP, DeliveryStatus, event_body, signed_headers
from infra.encryption import KeyRing
from infra.sealing import unseal
from infra.store import notifications
from infra.store import webhooks as store
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


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "claims@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 30.0
    pacing: Pacing = field(default_factory=Pacing)

    @property
    def message_domain(self) -> str:
        return self.sender.rpartition("@")[2] or "localhost"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class _Failure:
    error: str
    permanent: bool
    # Whether the receiver itself failed (no answer, 5xx): what its circuit breaker counts.
    receiver_at_fault: bool = True


def _outcome(
    failure: _Failure | None, attempts: int, period_started_at: dt.datetime, pacing: Pacing
) -> Outcome:
    if failure is None:
        return Outcome(Verdict.DELIVERED)
    return after_failure(
        error=failure.error,
        permanent=failure.permanent,
        attempts=attempts,
        now=_now(),
        period_started_at=period_started_at,
        pacing=pacing,
    )


def _attempt_result(outcome: Outcome) -> c.AttemptResult:
    if outcome.verdict is not Verdict.RETRY or outcome.next_attempt_at is None:
        return c.AttemptResult()
    return c.AttemptResult(retry_in_s=max((outcome.next_attempt_at - _now()).total_seconds(), 0.0))


def _log_outcome(what: str, item: int, attempts: int, outcome: Outcome) -> None:
    """One line per attempt; no traceback (an expected failure is not a bug)."""
    if outcome.verdict is Verdict.DELIVERED:
        log.info("%s %d delivered (attempt %d)", what, item, attempts)
    elif outcome.verdict is Verdict.DEAD:
        log.warning("%s %d dead-lettered (attempt %d): %s", what, item, attempts, outcome.error)
    else:
        assert outcome.next_attempt_at is not None
        wait = (outcome.next_attempt_at - _now()).total_seconds()
        log.warning(
            "%s %d attempt %d failed: %s; next in %.1f s", what, item, attempts, outcome.error, wait
        )


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
            ids, capped = await store.due(
                conn=conn,
                relay=request.relay,
                exclude=request.exclude,
                limit=request.limit,
                per_principal=request.per_principal,
            )
            next_due = await store.next_due_in_s(conn=conn, relay=request.relay)
        return c.DueResult(ids=ids, capped=capped, next_due_in_s=next_due)

    @activity.defn(name=c.DELIVER.name)
    async def deliver(self, item: c.OutboxItem) -> c.AttemptResult:
        """POST one event, signed, once; record what came of it."""
        async with self._engine.connect() as conn:
            row = await store.delivery_with_subscription(conn=conn, delivery_id=item.id)
        if row is None or row["status"] != DeliveryStatus.PENDING:
            return c.AttemptResult()
        refusal = self._refusal(row)
        if refusal is not None:
            async with self._engine.begin() as conn:
                await store.settle(
                    conn=conn, delivery_id=item.id, status=DeliveryStatus.CANCELLED, reason=refusal
                )
            log.info("webhook %d cancelled: %s", item.id, refusal)
            return c.AttemptResult()
        if not row["owner_active"]:
            # Paused with its owner: the dispatcher does not hand these out.
            return c.AttemptResult()
        failure = await self._send(row)
        attempts = row["attempts"] + 1
        outcome = _outcome(failure, attempts, row["period_started_at"], self._config.pacing)
        async with self._engine.begin() as conn:
            await store.record_outcome(conn=conn, delivery_id=item.id, outcome=outcome)
            opened = await self._breaker(conn, row["owner"], row["host"], failure)
        _log_outcome("webhook", item.id, attempts, outcome)
        if opened:
            log.warning(
                "receiver %s paused for %s for %g s after %d failures in a row",
                row["host"],
                row["owner"],
                self._config.breaker_cooldown_s,
                self._config.breaker_failures,
            )
        return _attempt_result(outcome)

    @staticmethod
    def _refusal(row: Any) -> str | None:
        """Why this delivery must not be made any more (None: it may)."""
        if row["deleted_at"] is not None:
            return "subscription deleted"
        if row["owner_active"] and not store.may_see(
            row["owner_role"], row["owner"], row["submitted_by"]
        ):
            # Decided at use: the owner's role now, not the one it had when it subscribed.
            return "the subscription's owner may no longer see this claim"
        return None

    async def _breaker(self, conn: Any, owner: str, host: str, failure: _Failure | None) -> bool:
        if failure is None or not failure.receiver_at_fault:
            await store.receiver_answered(conn=conn, owner=owner, host=host)
            return False
        return await store.receiver_failed(
            conn=conn,
            owner=owner,
            host=host,
            error=failure.error,
            threshold=self._config.breaker_failures,
            cooldown_s=self._config.breaker_cooldown_s,
        )

    async def _send(self, row: Any) -> _Failure | None:
        try:
            checked = await check_url(row["url"], allow_loopback=self._config.allow_loopback)
        except UnresolvableError as unresolved:
            gone = unresolvable_for_good(
                attempts_before=row["attempts"], last_error=row["last_error"], error=str(unresolved)
            )
            return _Failure(str(unresolved), permanent=gone)
        except UrlRefusedError as refused:
            return _Failure(str(refused), permanent=True, receiver_at_fault=False)
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
        return await self._post(checked, body, headers)

    async def _post(self, url: CheckedUrl, body: bytes, headers: dict[str, str]) -> _Failure | None:
        """The failure of one POST, or None on 2xx. Redirects are not followed (SSRF).

        It connects to the addresses just checked, in turn, never to a fresh lookup of the name.
        """
        failure: _Failure | None = _Failure("no address", permanent=False)
        for address in url.addresses:
            target, host, extensions = url.pinned(address)
            failure = await self._post_to(target, body, headers | host, extensions)
            if failure is None or failure.error != "ConnectError":
                break
        return failure

    async def _post_to(
        self, target: str, body: bytes, headers: dict[str, str], extensions: dict[str, Any]
    ) -> _Failure | None:
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
            return _Failure(f"no answer within {self._config.attempt_timeout_s:g} s", False)
        except httpx.HTTPError as exc:
            return _Failure(type(exc).__name__, permanent=False)
        code = response.status_code
        if 200 <= code < 300:
            return None
        if 300 <= code < 400:
            return _Failure(f"HTTP {code} (redirects are not followed)", permanent=False)
        if http_failure_is_permanent(code):
            return _Failure(f"HTTP {code}", permanent=True, receiver_at_fault=False)
        return _Failure(f"HTTP {code}", permanent=False, receiver_at_fault=code >= 500)


class MailActivities:
    def __init__(self, engine: AsyncEngine, smtp: SmtpConfig) -> None:
        self._engine = engine
        self._smtp = smtp

    @activity.defn(name=c.NEXT_EMAILS.name)
    async def due(self, request: c.DueInput) -> c.DueResult:
        async with self._engine.connect() as conn:
            ids, capped = await notifications.due(
                conn=conn, exclude=request.exclude, limit=request.limit
            )
            next_due = await notifications.next_due_in_s(conn=conn)
        return c.DueResult(ids=ids, capped=capped, next_due_in_s=next_due)

    @activity.defn(name=c.SEND.name)
    async def send(self, item: c.OutboxItem) -> c.AttemptResult:
        """Send one notification to its claimant through the SMTP relay, once; record it."""
        async with self._engine.connect() as conn:
            row = await notifications.unsent(conn=conn, notification_id=item.id)
        if row is None:
            return c.AttemptResult()
        failure = await self._send(row)
        attempts = row["attempts"] + 1
        outcome = _outcome(failure, attempts, row["period_started_at"], self._smtp.pacing)
        async with self._engine.begin() as conn:
            await notifications.record_outcome(conn=conn, notification_id=item.id, outcome=outcome)
        _log_outcome(f"e-mail ({row['kind']})", item.id, attempts, outcome)
        return _attempt_result(outcome)

    async def _send(self, row: Any) -> _Failure | None:
        problem = mailbox_problem(row["recipient"])
        if problem is not None:
            # Written before addresses were checked at submission: it can never be sent.
            return _Failure("recipient address is invalid", permanent=True)
        try:
            await aiosmtplib.send(self._message(row), **self._connection())
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            permanent = all(smtp_failure_is_permanent(code) for code in codes)
            return _Failure(f"SMTP {'/'.join(map(str, codes))} (recipient refused)", permanent)
        except aiosmtplib.SMTPResponseException as exc:
            return _Failure(f"SMTP {exc.code}", permanent=smtp_failure_is_permanent(exc.code))
        except ValueError:
            # aiosmtplib refuses an address it cannot put in an envelope.
            return _Failure("recipient address is invalid", permanent=True)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return _Failure(type(exc).__name__, permanent=False)
        return None

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
