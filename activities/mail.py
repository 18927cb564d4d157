"""Claimant e-mails: each attempt sends one notification through the SMTP relay, once.

The shared half of an attempt (reading, outcome, log line) is activities/outbox_attempts.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

import contracts as c
from activities.outbox_attempts import Attempt, Failure
from claims.delivery import Pacing, smtp_failure_is_permanent
from claims.lifecycle import NotificationKind
from claims.messages import render
from claims.text import mailbox_problem
from infra.store import notifications
from infra.store.notifications import PendingNotice


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
        attempt = Attempt(f"e-mail ({row.kind})", item.id, row, self._smtp.pacing)
        outcome = attempt.outcome(await self._send(row))
        async with self._engine.begin() as conn:
            await notifications.record_outcome(conn=conn, notification_id=item.id, outcome=outcome)
        return attempt.finished(outcome)

    async def _send(self, row: PendingNotice) -> Failure | None:
        problem = mailbox_problem(row.recipient)
        if problem is not None:
            # Written before addresses were checked at submission: it can never be sent.
            return Failure("recipient address is invalid", permanent=True)
        try:
            await aiosmtplib.send(self._message(row), **self._connection())
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            permanent = all(smtp_failure_is_permanent(code) for code in codes)
            return Failure(f"SMTP {'/'.join(map(str, codes))} (recipient refused)", permanent)
        except aiosmtplib.SMTPResponseException as exc:
            return Failure(f"SMTP {exc.code}", permanent=smtp_failure_is_permanent(exc.code))
        except ValueError:
            # aiosmtplib refuses an address it cannot put in an envelope.
            return Failure("recipient address is invalid", permanent=True)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return Failure(type(exc).__name__, permanent=False)
        return None

    def _message(self, row: PendingNotice) -> EmailMessage:
        subject, text = render(
            NotificationKind(row.kind), row.payload, row.claim_id, row.claim_number
        )
        message = EmailMessage()
        message["From"] = self._smtp.sender
        message["To"] = row.recipient
        message["Subject"] = subject
        # Derived from the row, so a resend after a crash is recognisably the same message.
        message["Message-ID"] = f"<notification-{row.id}@{self._smtp.message_domain}>"
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
