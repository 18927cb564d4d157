"""Webhooks, claimant e-mail, and traces."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from infra.settings_fields.documented import DOCUMENTED


class OutboxSettings(BaseSettings):
    """Webhooks, claimant e-mail, and traces."""

    model_config = DOCUMENTED

    # The outbox: webhook deliveries and claimant e-mails, run by the claims worker on a task
    # queue of its own so a slow receiver never takes a claim's worker slots.
    outbox_task_queue: str = "claims-outbox"
    """task queue of the outbox dispatchers (webhooks, e-mail), served by the claims worker
    process with its own slots
    """
    outbox_max_in_flight: int = Field(default=16, ge=1, le=100)
    """delivery attempts in flight at once per dispatcher (webhooks; e-mails); a delivery waiting
    for its retry holds none
    """
    outbox_max_in_flight_per_principal: int = Field(default=4, ge=1, le=100)
    """webhook attempts in flight at once for any one principal: whoever's receivers hang holds
    at most this share
    """
    outbox_sweep_s: float = Field(default=60.0, gt=0)
    """an idle dispatcher's safety sweep (new rows wake it by signal, due retries by timer)"""
    outbox_attempt_timeout_s: float = Field(default=10.0, gt=0)
    """one delivery attempt, whole (connect, send, answer)"""
    # Transient failures back off exponentially (first_retry doubling up to max_retry) for this
    # long, then the delivery is dead-lettered: GET /v1/webhooks/{id}/deliveries?status=failed.
    # A permanent failure (HTTP 4xx but 408/429, SMTP 5xx, an invalid address) dead-letters at once.
    outbox_retry_period_s: float = Field(default=86_400.0, gt=0)
    """how long a transiently failing delivery is retried before it is dead-lettered"""
    outbox_first_retry_s: float = Field(default=1.0, gt=0)
    """the first wait before a delivery is tried again, in seconds; it doubles up to
    `CLAIMS_OUTBOX_MAX_RETRY_S`
    """
    outbox_max_retry_s: float = Field(default=3_600.0, gt=0)
    """the longest wait between two attempts of a delivery, in seconds"""
    outbox_breaker_failures: int = Field(default=5, ge=1)
    """a receiver (`host:port`) failing this many attempts in a row for one owner is paused for
    that owner alone (who sees `paused_until`, and may resume it); other owners' deliveries to
    the same host carry on
    """
    outbox_breaker_cooldown_s: float = Field(default=300.0, gt=0)
    """how long a failing receiver is paused, in seconds"""
    webhook_max_per_submitter: int = Field(default=10, ge=0)
    """live webhook subscriptions a submitter may hold (409 past it)"""
    webhook_max_per_staff: int = Field(default=50, ge=0)
    """live webhook subscriptions an adjuster or admin may hold (409 past it)"""
    smtp_host: str | None = None
    """the SMTP relay claimant e-mails go through; unset: e-mails stay in the outbox (`claims
    dev` points it at its mail sink)
    """
    smtp_port: int = Field(default=25, ge=1, le=65535)
    """the SMTP relay's port"""
    smtp_sender: str = "claims@localhost"
    """`From:` of claimant e-mails; its domain ends each `Message-ID`"""
    smtp_username: str | None = None
    """SMTP user name (needs `CLAIMS_SMTP_STARTTLS=true` in prod)"""
    smtp_password: SecretStr | None = None
    """SMTP password (needs `CLAIMS_SMTP_STARTTLS=true` in prod)"""
    smtp_starttls: bool = False
    """upgrade the SMTP connection with STARTTLS"""

    otlp_endpoint: str | None = None
    """OTLP/HTTP collector for traces, e.g. `http://otel-collector:4318`"""
