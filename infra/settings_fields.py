"""The fields of the service's settings, by concern; `infra.settings.Settings` joins them.

Each field's docstring is its description: docs/configuration.md is generated from them
(`make docs`), and a test fails when the page and the fields disagree.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from claims.routing import DEFAULT_AUTO_APPROVE_MIN_CONFIDENCE

_DOCUMENTED = SettingsConfigDict(use_attribute_docstrings=True)


class ServiceSettings(BaseSettings):
    """The API and what every process needs: environment, addresses, keys, database, limits."""

    model_config = _DOCUMENTED

    env: str = Field(default="dev", pattern="^(dev|prod)$")
    """`dev` or `prod`; prod refuses to start without API keys, encryption keys, a Temporal
    address and `CLAIMS_DATABASE_URL`, and on plaintext to a remote Temporal
    """

    api_host: str = "127.0.0.1"
    """API bind address (host)"""
    api_port: int = 8000
    """API port"""
    trusted_proxies: str = "127.0.0.1"
    """addresses (or networks, or `*`) whose `X-Forwarded-For`/`-Proto` the API believes: your
    reverse proxy or ingress; everyone else's are ignored
    """
    request_header_timeout_s: float = Field(default=10.0, gt=0)
    """a request's headers must arrive within this many seconds of the connection opening (or
    of the previous response); a slower client's connection is closed (slowloris)
    """
    request_body_timeout_s: float = Field(default=60.0, gt=0)
    """a request's whole body must arrive within this many seconds of its headers; a slower
    one is answered 408 and its connection closed
    """
    sign_in_max_failures: int = Field(default=10, ge=1)
    """failed sign-ins and 401s a client address (or one credential) may have in the window
    before it gets 429 with `Retry-After`
    """
    sign_in_window_s: float = Field(default=60.0, gt=0)
    """the window of `CLAIMS_SIGN_IN_MAX_FAILURES`, in seconds"""

    database_url: str | None = None
    """an existing Postgres (`postgresql+asyncpg://…`); unset in dev: start the embedded one"""

    api_keys: str | None = None
    """`token:role:name` or `sha256:<hex of the token's SHA-256>:role:name` entries, comma
    separated; roles `submitter`, `adjuster`, `admin`; the name is the principal (it owns the
    claims and subscriptions it makes, and names the caller in the audit trail). Prod refuses
    an entry without a name; dev names it after a prefix of the token's digest, so reordering
    or removing keys never moves ownership. `claims keys new --role R --name N` prints a
    strong key and its `sha256:` entry. Every API replica takes the same list: the API records
    the principals and their roles at start, and deliveries are authorized against that. Unset
    in dev: the dev keys `dev-submitter-key`, `dev-adjuster-key`, `dev-admin-key`
    """
    encryption_keys: SecretStr | None = None
    """Temporal payload encryption: `id:base64(32 random bytes)` entries, comma separated; the
    first encrypts, all decrypt. Required by every process (`claims keys new` makes a key;
    `claims dev` generates a ring under its data dir and passes it on)
    """

    # API: request bodies are limited by bytes read, per route (a claim is small, a document is
    # 1 MiB of text however it is escaped); updates wait this long for the workflow, then 202.
    max_claim_body_bytes: int = Field(default=64 * 1024, ge=1024)
    """largest claim submission body, counted as bytes arrive (chunked bodies too)"""
    max_document_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    """largest document body (its text is at most 1 MiB however escaped)"""
    max_other_body_bytes: int = Field(default=64 * 1024, ge=1024)
    """largest body of any other request"""
    update_wait_s: float = Field(default=10.0, gt=0)
    """how long review, cancel, documents and retry wait for the workflow's answer before
    answering 202 with `Location`
    """
    cors_allowed_origins: str = ""
    """browser origins allowed to call the codec's paths (`/codec/decode`, `/codec/encode`)
    with credentials: the Temporal Web UI; comma separated; empty: none (`claims dev` allows its
    embedded Web UI). No other path answers any origin.
    """

    # The adjuster console (/console): its sign-in lifetime, and where its claim pages link to.
    console_session_s: int = Field(default=8 * 3600, ge=60, le=7 * 86_400)
    """seconds an adjuster's console sign-in lasts; a session past it is refused at once"""
    temporal_ui_url: str = Field(default="", pattern=r"^(https?://[^\s\"'<>]+)?$")
    """the Temporal Web UI's address, for the console's link from a claim to its workflow;
    empty: no link (`claims dev` sets its embedded Web UI)
    """


class TemporalSettings(BaseSettings):
    """Where Temporal is, the task queues, and the Worker Deployment the claims worker joins."""

    model_config = _DOCUMENTED

    # Where Temporal is: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (and TLS, API key) as the
    # `temporal` CLI reads them (infra/temporal_profile.py); CLAIMS_TEMPORAL_ADDRESS and
    # CLAIMS_TEMPORAL_NAMESPACE, when set, take precedence. Unset in dev: a local server.
    temporal_address: str | None = None
    """the Temporal frontend for our processes alone, over `TEMPORAL_ADDRESS` (`claims dev`
    points its children at its server with it); unset everywhere in dev: `127.0.0.1:7233`
    """
    temporal_namespace: str = "default"
    """the Temporal namespace for our processes alone, over `TEMPORAL_NAMESPACE`"""
    temporal_allow_plaintext: bool = False
    """allow plaintext to a non-loopback Temporal in prod (a private network such as compose's)"""
    task_queue: str = "claims"
    """task queue of the claims worker"""
    llm_task_queue: str = "claims-llm"
    """task queue of the llm worker"""

    # Worker Versioning (docs/decisions/0001-worker-versioning.md): every claims worker joins
    # this Worker Deployment under its build id. Unset, the build id is derived from the code
    # that decides a claim's path (workers/build_id.py), so an edit to it is a new build.
    # temporal-worker-controller sets TEMPORAL_DEPLOYMENT_NAME (`namespace/name`) and
    # TEMPORAL_WORKER_BUILD_ID on the pods it runs: read when ours are unset.
    deployment_name: str = Field(
        default="claims",
        pattern=r"^[A-Za-z0-9_./-]{1,200}$",
        validation_alias=AliasChoices("CLAIMS_DEPLOYMENT_NAME", "TEMPORAL_DEPLOYMENT_NAME"),
    )
    """the Worker Deployment the claims worker joins (temporal-worker-controller sets
    `TEMPORAL_DEPLOYMENT_NAME`)
    """
    build_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,100}$",
        validation_alias=AliasChoices("CLAIMS_BUILD_ID", "TEMPORAL_WORKER_BUILD_ID"),
    )
    """the claims worker's build id: the image tag (temporal-worker-controller sets
    `TEMPORAL_WORKER_BUILD_ID`); unset: a digest of the workflow code
    """
    build_promotion: str = Field(default="first", pattern="^(first|always|never)$")
    """whether a starting claims worker makes its build current: `first` (only if none is: the
    first deploy), `always` (`claims dev`), `never` (an operator or a controller promotes)
    """
    # How often a claim waiting for a person checks whether its build is still the target; a
    # claim pinned to a build that is no longer current moves to the new one at that check
    # (`claims deploy promote` wakes them at once). Bounds how long an old build must run.
    version_check_s: int = Field(default=3_600, ge=1)
    """how often a claim waiting for a person checks whether a new build was promoted, and moves
    to it (promotion also wakes it)
    """


class AssessmentSettings(BaseSettings):
    """The model, and the business rules that travel with each claim."""

    model_config = _DOCUMENTED

    llm_model: str = "offline/claims-assessor"
    """litellm model name for assessment"""
    llm_fallback_models: str = ""
    """comma-separated litellm models tried in order when the primary fails"""
    llm_api_base: str | None = None
    """endpoint of the model's API (OpenAI-compatible servers included)"""
    llm_api_key: SecretStr | None = None
    """key for the model's API; given to the llm worker alone"""
    llm_timeout_s: float = Field(default=60.0, gt=0)
    """per-call timeout"""
    llm_max_attempts: int = Field(default=8, ge=1)
    """assessment attempts (Temporal retries) before the claim goes to a human with
    `assessment_unavailable`
    """
    llm_max_concurrency: int = Field(default=20, ge=1)
    """model calls in flight per llm worker process"""
    llm_max_rps: float | None = Field(default=None, gt=0)
    """assessments per second handed out across all llm workers (Temporal's task-queue rate
    limit), and model calls per second per worker
    """

    llm_shadow_models: str = Field(default="", pattern=r"^[\x21-\x7e ,]*$")
    """candidate models that assess every new claim beside production, never changing its
    route (comma separated; `model@<prompt version>` picks a prompt); read by the claims worker.
    Empty: no shadows
    """
    llm_shadow_sample: float = Field(default=1.0, ge=0, le=1)
    """the share of new claims the shadow candidates assess (0..1), chosen by claim id; a
    shadow costs about as much CPU as its claim (docs/performance.md)
    """
    llm_shadow_budget_usd: Decimal = Field(default=Decimal("10"), ge=0)
    """daily spend (UTC) per shadow model, held hard: each shadow reserves what it may cost
    before the call (under a lock in Postgres) and settles to what it did cost after; one that
    does not fit is `over_budget` and never asked. `/metrics` says so
    """
    llm_shadow_prices: str = Field(default="", pattern=r"^[\x21-\x7e ,=]*$")
    """what one shadow assessment costs (USD), as `model=price`, comma separated: for models
    litellm cannot price (self-hosted, unknown), which are otherwise over budget, never free
    """

    auto_approve_limit: Decimal = Field(default=Decimal("5000"), ge=0)
    """largest payable amount that may be approved without a human"""
    # The model confidence auto-approval needs; each claim keeps the value in force at submission.
    auto_approve_min_confidence: float = Field(
        default=DEFAULT_AUTO_APPROVE_MIN_CONFIDENCE, ge=0, le=1
    )
    """the model confidence (0..1) auto-approval needs; like the limit, each claim keeps the
    value in force when it was submitted
    """
    review_sla_s: int = Field(default=172_800, gt=0)
    """seconds a claim may wait for review before it is escalated"""
    step_alert_attempts: int = Field(default=10, ge=2)
    """attempts of a transiently failing database or payment step before its claim is flagged
    `StepRetrying` (it keeps retrying)
    """
    payment_blocked_payees: str = ""
    """payee accounts (claimant e-mails) the built-in ledger rail refuses, comma separated, as a
    real rail refuses closed or sanctioned accounts
    """


class WorkerSettings(BaseSettings):
    """Worker capacity, shutdown, health and metrics."""

    model_config = _DOCUMENTED

    # Workers: capacity, shutdown grace, boot-time patience, the SDK's metrics port.
    worker_max_concurrent_activities: int = Field(default=100, ge=1)
    """activities a claims worker runs at once"""
    worker_max_concurrent_workflow_tasks: int = Field(default=100, ge=2)
    """workflow tasks a claims worker runs at once"""
    # Each cached claim holds its own sandboxed copy of the workflow modules: ~360 KB. 2,000
    # claims parked in review took the worker to 489 MB with 1,000 cached, 216 MB with 250
    # (make bench-parked); an evicted claim is replayed from its history when it next moves.
    workflow_cache_size: int = Field(default=250, ge=0)
    """workflows kept in a claims worker's cache (sticky execution); what bounds its memory with
    many claims parked
    """
    worker_graceful_shutdown_s: float = Field(default=30.0, ge=0)
    """on SIGTERM, how long in-flight activities may finish before they are handed back"""
    worker_metrics_port: int | None = None
    """port of a worker's Temporal SDK metrics (Prometheus `/metrics`); `claims dev` uses 9464
    and 9465
    """
    worker_metrics_host: str = "127.0.0.1"
    """bind address of a worker's metrics port (set `0.0.0.0` in a container that is scraped from
    outside)
    """
    worker_health_file: Path | None = None
    """a worker's heartbeat file for `claims healthcheck`, with the last time Temporal answered
    the worker (the image sets `/tmp/claims-worker.health`); unset: none
    """
    worker_health_interval_s: float = Field(default=10.0, gt=0)
    """how often the heartbeat file is rewritten, in seconds"""
    connect_timeout_s: float = Field(default=60.0, gt=0)
    """at boot, how long workers and the API retry Temporal and Postgres before exiting non-zero"""


class OutboxSettings(BaseSettings):
    """Webhooks, claimant e-mail, and traces."""

    model_config = _DOCUMENTED

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
