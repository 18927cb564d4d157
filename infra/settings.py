"""One settings class for every process, read from the environment (and `.env`)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from claims.delivery import Pacing
from claims.routing import DEFAULT_AUTO_APPROVE_MIN_CONFIDENCE
from infra.api_keys import ApiKey, Role, find_key, parse_api_keys, production_key_problems
from infra.encryption import KeyRingError, parse_key_ring
from infra.temporal_profile import TemporalConnection, connection, is_loopback, load_profile

__all__ = ["DEV_API_KEYS", "ApiKey", "Role", "Settings", "get_settings", "parse_api_keys"]

DEV_API_KEYS = (
    "dev-submitter-key:submitter:dev-submitter,"
    "dev-adjuster-key:adjuster:dev-adjuster,"
    "dev-admin-key:admin:dev-admin"
)
# Where a dev process looks for Temporal when told nothing (the `temporal` CLI's default too).
DEFAULT_TEMPORAL_ADDRESS = "127.0.0.1:7233"
# Passwords a database URL must not carry in prod: none, or the compose and docs defaults.
DEFAULT_DB_PASSWORDS = frozenset({"", "postgres", "claims", "password", "temporal", "changeme"})


@cache
def _parsed_keys(raw: str) -> list[ApiKey]:
    return parse_api_keys(raw)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLAIMS_", env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    env: str = Field(
        default="dev",
        pattern="^(dev|prod)$",
        description=(
            "`dev` or `prod`; prod refuses to start without API keys, encryption keys, a "
            "Temporal address and `CLAIMS_DATABASE_URL`, and on plaintext to a remote "
            "Temporal"
        ),
    )

    api_host: str = Field(default="127.0.0.1", description="API bind address (host)")
    api_port: int = Field(default=8000, description="API port")
    # Addresses whose X-Forwarded-For / -Proto the API believes (comma separated, or "*"): the
    # reverse proxy or ingress in front of it. Anyone else's forwarded headers are ignored.
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description=(
            "addresses (or networks, or `*`) whose `X-Forwarded-For`/`-Proto` the API "
            "believes: your reverse proxy or ingress; everyone else's are ignored"
        ),
    )
    # Failed sign-ins and 401s a client (address, or key prefix) may have in the window before
    # it is answered 429 with Retry-After.
    sign_in_max_failures: int = Field(
        default=10,
        ge=1,
        description=(
            "failed sign-ins and 401s a client address (or key prefix) may have in "
            "the window before it gets 429 with `Retry-After`"
        ),
    )
    sign_in_window_s: float = Field(
        default=60.0,
        gt=0,
        description="the window of `CLAIMS_SIGN_IN_MAX_FAILURES`, in seconds",
    )

    # Where Temporal is: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (and TLS, API key) as the
    # `temporal` CLI reads them (infra/temporal_profile.py); CLAIMS_TEMPORAL_ADDRESS and
    # CLAIMS_TEMPORAL_NAMESPACE, when set, take precedence. Unset in dev: a local server.
    temporal_address: str | None = Field(
        default=None,
        description=(
            "the Temporal frontend for our processes alone, over `TEMPORAL_ADDRESS` (`claims "
            "dev` points its children at its server with it); unset everywhere in dev: "
            "`127.0.0.1:7233`"
        ),
    )
    temporal_namespace: str = Field(
        default="default",
        description="the Temporal namespace for our processes alone, over `TEMPORAL_NAMESPACE`",
    )
    # Prod refuses plaintext to a remote Temporal unless this says the network is private.
    temporal_allow_plaintext: bool = Field(
        default=False,
        description=(
            "allow plaintext to a non-loopback Temporal in prod (a private network such as "
            "compose's)"
        ),
    )
    task_queue: str = Field(default="claims", description="task queue of the claims worker")
    llm_task_queue: str = Field(default="claims-llm", description="task queue of the llm worker")

    database_url: str | None = Field(
        default=None,
        description=(
            "an existing Postgres (`postgresql+asyncpg://\u2026`); unset in dev: start the "
            "embedded one"
        ),
    )

    api_keys: str | None = Field(
        default=None,
        description=(
            "`token:role:name` or `sha256:<hex of the token's SHA-256>:role:name` entries, "
            "comma separated; roles `submitter`, `adjuster`, `admin`; the name is the "
            "principal (it owns the claims and subscriptions it makes, and names the caller "
            "in the audit trail). Prod refuses an entry without a name; dev names it after a "
            "prefix of the token's digest, so reordering or removing keys never moves "
            "ownership. `claims keys new --role R --name N` prints a strong key and its "
            "`sha256:` entry. Every API replica takes the same list: the API records the "
            "principals and their roles at start, and deliveries are authorized against that."
            " Unset in dev: the dev keys `dev-submitter-key`, `dev-adjuster-key`, `dev-admin-"
            "key`"
        ),
    )
    # Temporal payload encryption: `id:base64key,…`, the first key encrypts (infra/encryption.py).
    # Required: `claims dev` passes its processes a ring it generated under its data dir.
    encryption_keys: SecretStr | None = Field(
        default=None,
        description=(
            "Temporal payload encryption: `id:base64(32 random bytes)` entries, comma "
            "separated; the first encrypts, all decrypt. Required by every process (`claims "
            "keys new` makes a key; `claims dev` generates a ring under its data dir and "
            "passes it on)"
        ),
    )

    llm_model: str = Field(
        default="offline/claims-assessor", description="litellm model name for assessment"
    )
    llm_fallback_models: str = Field(
        default="",
        description="comma-separated litellm models tried in order when the primary fails",
    )
    llm_api_base: str | None = Field(
        default=None,
        description="endpoint of the model's API (OpenAI-compatible servers included)",
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="key for the model's API; given to the llm worker alone",
    )
    llm_timeout_s: float = Field(default=60.0, gt=0, description="per-call timeout")
    llm_max_attempts: int = Field(
        default=8,
        ge=1,
        description=(
            "assessment attempts (Temporal retries) before the claim goes to a human with "
            "`assessment_unavailable`"
        ),
    )
    llm_max_concurrency: int = Field(
        default=20, ge=1, description="model calls in flight per llm worker process"
    )
    llm_max_rps: float | None = Field(
        default=None,
        gt=0,
        description=(
            "assessments per second handed out across all llm workers (Temporal's task-queue "
            "rate limit), and model calls per second per worker"
        ),
    )

    auto_approve_limit: Decimal = Field(
        default=Decimal("5000"),
        ge=0,
        description="largest payable amount that may be approved without a human",
    )
    # The model confidence auto-approval needs; each claim keeps the value in force at submission.
    auto_approve_min_confidence: float = Field(
        default=DEFAULT_AUTO_APPROVE_MIN_CONFIDENCE,
        ge=0,
        le=1,
        description=(
            "the model confidence (0..1) auto-approval needs; like the limit, each claim "
            "keeps the value in force when it was submitted"
        ),
    )
    review_sla_s: int = Field(
        default=172_800,
        gt=0,
        description="seconds a claim may wait for review before it is escalated",
    )
    # Attempts of a failing database or payment step before its claim is flagged as retrying.
    step_alert_attempts: int = Field(
        default=10,
        ge=2,
        description=(
            "attempts of a transiently failing database or payment step before its claim is "
            "flagged `StepRetrying` (it keeps retrying)"
        ),
    )
    # Payee accounts the built-in ledger rail refuses (comma separated), as a real rail would.
    payment_blocked_payees: str = Field(
        default="",
        description=(
            "payee accounts (claimant e-mails) the built-in ledger rail refuses, comma "
            "separated, as a real rail refuses closed or sanctioned accounts"
        ),
    )

    # API: request bodies are limited by bytes read, per route (a claim is small, a document is
    # 1 MiB of text however it is escaped); updates wait this long for the workflow, then 202.
    max_claim_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description=("largest claim submission body, counted as bytes arrive (chunked bodies too)"),
    )
    max_document_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="largest document body (its text is at most 1 MiB however escaped)",
    )
    max_other_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description="largest body of any other request",
    )
    update_wait_s: float = Field(
        default=10.0,
        gt=0,
        description=(
            "how long review, cancel, documents and retry wait for the workflow's answer "
            "before answering 202 with `Location`"
        ),
    )
    # Browser origins allowed to call the API (the Temporal Web UI, for the codec endpoint);
    # comma separated. Empty: no other origin (`claims dev` sets its embedded UI's).
    cors_allowed_origins: str = Field(
        default="",
        description=(
            "browser origins allowed to call the API (the Temporal Web UI, for the codec), "
            "comma separated; empty: none (`claims dev` allows its embedded Web UI)"
        ),
    )

    # Worker Versioning (docs/decisions/0001-worker-versioning.md): every claims worker joins
    # this Worker Deployment under its build id. Unset, the build id is derived from the code
    # that decides a claim's path (workers/builds.py), so an edit to it is a new build.
    # temporal-worker-controller sets TEMPORAL_DEPLOYMENT_NAME (`namespace/name`) and
    # TEMPORAL_WORKER_BUILD_ID on the pods it runs: read when ours are unset.
    deployment_name: str = Field(
        default="claims",
        pattern=r"^[A-Za-z0-9_./-]{1,200}$",
        validation_alias=AliasChoices("CLAIMS_DEPLOYMENT_NAME", "TEMPORAL_DEPLOYMENT_NAME"),
        description=(
            "the Worker Deployment the claims worker joins (temporal-worker-"
            "controller sets `TEMPORAL_DEPLOYMENT_NAME`)"
        ),
    )
    build_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,100}$",
        validation_alias=AliasChoices("CLAIMS_BUILD_ID", "TEMPORAL_WORKER_BUILD_ID"),
        description=(
            "the claims worker's build id: the image tag (temporal-worker-"
            "controller sets `TEMPORAL_WORKER_BUILD_ID`); unset: a digest of the "
            "workflow code"
        ),
    )
    # Whether a starting worker makes its own build current: "first" (only when the deployment
    # has none yet: the first deploy), "always" (claims dev, tests), "never" (a controller or an
    # operator promotes with `claims deploy promote`).
    build_promotion: str = Field(
        default="first",
        pattern="^(first|always|never)$",
        description=(
            "whether a starting claims worker makes its build current: `first` (only if none "
            "is: the first deploy), `always` (`claims dev`), `never` (an operator or a "
            "controller promotes)"
        ),
    )
    # How often a claim waiting for a person checks whether its build is still the target; a
    # claim pinned to a build that is no longer current moves to the new one at that check
    # (`claims deploy promote` wakes them at once). Bounds how long an old build must run.
    version_check_s: int = Field(
        default=3_600,
        ge=1,
        description=(
            "how often a claim waiting for a person checks whether a new build was promoted, "
            "and moves to it (promotion also wakes it)"
        ),
    )

    # Workers: capacity, shutdown grace, boot-time patience, the SDK's metrics port.
    worker_max_concurrent_activities: int = Field(
        default=100, ge=1, description="activities a claims worker runs at once"
    )
    worker_max_concurrent_workflow_tasks: int = Field(
        default=100, ge=2, description="workflow tasks a claims worker runs at once"
    )
    # Each cached claim holds its own sandboxed copy of the workflow modules: ~360 KB. 2,000
    # claims parked in review took the worker to 489 MB with 1,000 cached, 216 MB with 250
    # (make bench-parked); an evicted claim is replayed from its history when it next moves.
    workflow_cache_size: int = Field(
        default=250,
        ge=0,
        description=(
            "workflows kept in a claims worker's cache (sticky execution); what bounds its "
            "memory with many claims parked"
        ),
    )
    worker_graceful_shutdown_s: float = Field(
        default=30.0,
        ge=0,
        description=(
            "on SIGTERM, how long in-flight activities may finish before they are handed back"
        ),
    )
    worker_metrics_port: int | None = Field(
        default=None,
        description=(
            "port of a worker's Temporal SDK metrics (Prometheus `/metrics`); `claims dev` "
            "uses 9464 and 9465"
        ),
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description=(
            "bind address of a worker's metrics port (set `0.0.0.0` in a container that is "
            "scraped from outside)"
        ),
    )
    # Where a worker records its heartbeat for `claims healthcheck` (workers/health.py); the
    # image sets it. Unset: no file (the dev stack watches its children itself).
    worker_health_file: Path | None = Field(
        default=None,
        description=(
            "a worker's heartbeat file for `claims healthcheck`, with the last time"
            " Temporal answered the worker (the image sets `/tmp/claims-"
            "worker.health`); unset: none"
        ),
    )
    worker_health_interval_s: float = Field(
        default=10.0,
        gt=0,
        description="how often the heartbeat file is rewritten, in seconds",
    )
    connect_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description=(
            "at boot, how long workers and the API retry Temporal and Postgres before exiting"
            " non-zero"
        ),
    )

    # The outbox: webhook deliveries and claimant e-mails, run by the claims worker on a task
    # queue of its own so a slow receiver never takes a claim's worker slots.
    outbox_task_queue: str = Field(
        default="claims-outbox",
        description=(
            "task queue of the outbox dispatchers (webhooks, e-mail), served by the claims "
            "worker process with its own slots"
        ),
    )
    # Attempts in flight at once per dispatcher (webhooks; e-mails), and for any one principal:
    # whoever's receivers hang holds at most its share. A row waiting to retry holds none.
    outbox_max_in_flight: int = Field(
        default=16,
        ge=1,
        le=100,
        description=(
            "delivery attempts in flight at once per dispatcher (webhooks; e-mails); a "
            "delivery waiting for its retry holds none"
        ),
    )
    outbox_max_in_flight_per_principal: int = Field(
        default=4,
        ge=1,
        le=100,
        description=(
            "webhook attempts in flight at once for any one principal: whoever's receivers "
            "hang holds at most this share"
        ),
    )
    # Dispatchers wake on a signal when rows are queued and by timer when a retry is due; this
    # is only the safety sweep of an idle one.
    outbox_sweep_s: float = Field(
        default=60.0,
        gt=0,
        description=(
            "an idle dispatcher's safety sweep (new rows wake it by signal, due retries by timer)"
        ),
    )
    outbox_attempt_timeout_s: float = Field(
        default=10.0, gt=0, description="one delivery attempt, whole (connect, send, answer)"
    )
    # Transient failures back off exponentially (first_retry doubling up to max_retry) for this
    # long, then the delivery is dead-lettered: GET /v1/webhooks/{id}/deliveries?status=failed.
    # A permanent failure (HTTP 4xx but 408/429, SMTP 5xx, an invalid address) dead-letters at once.
    outbox_retry_period_s: float = Field(
        default=86_400.0,
        gt=0,
        description="how long a transiently failing delivery is retried before it is dead-lettered",
    )
    outbox_first_retry_s: float = Field(
        default=1.0,
        gt=0,
        description=(
            "the first wait before a delivery is tried again, in seconds; it "
            "doubles up to `CLAIMS_OUTBOX_MAX_RETRY_S`"
        ),
    )
    outbox_max_retry_s: float = Field(
        default=3_600.0,
        gt=0,
        description="the longest wait between two attempts of a delivery, in seconds",
    )
    # A receiver host failing this many attempts in a row pauses its subscriptions this long
    # (its owners see it, and may resume them sooner).
    outbox_breaker_failures: int = Field(
        default=5,
        ge=1,
        description=(
            "a receiver (`host:port`) failing this many attempts in a row is paused"
            " (its owners see `paused_until`, and may resume it)"
        ),
    )
    outbox_breaker_cooldown_s: float = Field(
        default=300.0,
        gt=0,
        description="how long a failing receiver is paused, in seconds",
    )
    # Live webhook subscriptions a principal may hold.
    webhook_max_per_submitter: int = Field(
        default=10,
        ge=0,
        description="live webhook subscriptions a submitter may hold (409 past it)",
    )
    webhook_max_per_staff: int = Field(
        default=50,
        ge=0,
        description="live webhook subscriptions an adjuster or admin may hold (409 past it)",
    )
    # The SMTP relay claimant e-mails go through; unset: e-mails stay in the outbox.
    smtp_host: str | None = Field(
        default=None,
        description=(
            "the SMTP relay claimant e-mails go through; unset: e-mails stay in the"
            " outbox (`claims dev` points it at its mail sink)"
        ),
    )
    smtp_port: int = Field(
        default=25,
        ge=1,
        le=65535,
        description="the SMTP relay's port",
    )
    smtp_sender: str = Field(
        default="claims@localhost",
        description="`From:` of claimant e-mails; its domain ends each `Message-ID`",
    )
    smtp_username: str | None = Field(
        default=None, description="SMTP user name (needs `CLAIMS_SMTP_STARTTLS=true` in prod)"
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="SMTP password (needs `CLAIMS_SMTP_STARTTLS=true` in prod)"
    )
    smtp_starttls: bool = Field(
        default=False, description="upgrade the SMTP connection with STARTTLS"
    )

    # Observability: OTLP/HTTP collector for traces (e.g. http://otel-collector:4318); unset: none.
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector for traces, e.g. `http://otel-collector:4318`",
    )

    _temporal: TemporalConnection = PrivateAttr(default_factory=TemporalConnection)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_unset(cls, data: Any) -> Any:
        # Compose passes `${CLAIMS_API_KEYS:-}` as "": an optional setting given empty is unset,
        # so the prod checks name what is missing instead of failing on an empty value.
        if not isinstance(data, dict):
            return data
        optional = {name for name, f in cls.model_fields.items() if f.default is None}
        return {k: v for k, v in data.items() if not (k in optional and v == "")}

    @model_validator(mode="before")
    @classmethod
    def _temporal_from_profile(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        profile = load_profile()
        # Unset or empty (compose passes "" for an unset variable): the profile decides.
        if not data.get("temporal_address") and profile.address:
            data = {**data, "temporal_address": profile.address}
        if not data.get("temporal_namespace") and profile.namespace:
            data = {**data, "temporal_namespace": profile.namespace}
        return data

    @model_validator(mode="after")
    def _temporal_tls(self) -> Settings:
        self._temporal = connection(load_profile())
        return self

    @model_validator(mode="after")
    def _keys_parse(self) -> Settings:
        if self.api_keys is not None:
            parse_api_keys(self.api_keys)
        if self.encryption_keys is not None:
            parse_key_ring(self.encryption_keys.get_secret_value())
        return self

    def key_ring(self) -> list[tuple[str, bytes]]:
        """The payload encryption keys (CLAIMS_ENCRYPTION_KEYS)."""
        if self.encryption_keys is None:
            raise KeyRingError(
                "CLAIMS_ENCRYPTION_KEYS is unset (`claims keys new` makes one; `claims dev` "
                "passes its own to the processes it starts)"
            )
        return parse_key_ring(self.encryption_keys.get_secret_value())

    def outbox_pacing(self) -> dict[str, float | int]:
        """What a dispatcher starts with (fields of workflows.contracts.OutboxRelayInput)."""
        return {
            "max_in_flight": self.outbox_max_in_flight,
            "max_in_flight_per_principal": self.outbox_max_in_flight_per_principal,
            "sweep_s": self.outbox_sweep_s,
            "attempt_timeout_s": self.outbox_attempt_timeout_s,
        }

    def retry_pacing(self) -> Pacing:
        """Back-off of a delivery's transient failures (claims/delivery.py)."""
        return Pacing(
            first_retry_s=self.outbox_first_retry_s,
            max_retry_s=self.outbox_max_retry_s,
            retry_period_s=self.outbox_retry_period_s,
        )

    def production_problems(self, *, needs_keys: bool, needs_database: bool) -> list[str]:
        """What keeps this process from running in prod on dev defaults (empty in dev)."""
        if self.env != "prod":
            return []
        problems = []
        if needs_keys and not self.api_keys:
            problems.append("CLAIMS_API_KEYS is unset")
        elif needs_keys:
            problems += production_key_problems(self.api_key_list)
        if needs_database and self.database_url and _weak_password(self.database_url):
            problems.append(
                "CLAIMS_DATABASE_URL has an empty or default password; use a generated one"
            )
        if self.encryption_keys is None:
            problems.append(
                "CLAIMS_ENCRYPTION_KEYS is unset (payloads must reach Temporal encrypted)"
            )
        if not self.temporal_address:
            problems.append("TEMPORAL_ADDRESS is unset (prod never embeds Temporal)")
        elif self._plaintext_remote():
            problems.append(
                f"Temporal at {self.temporal_address} would be reached in plaintext: configure "
                "TEMPORAL_TLS / TEMPORAL_TLS_* or TEMPORAL_API_KEY, or set "
                "CLAIMS_TEMPORAL_ALLOW_PLAINTEXT=true for a private network"
            )
        if needs_database and not self.database_url:
            problems.append("CLAIMS_DATABASE_URL is unset (prod never embeds Postgres)")
        if (self.smtp_username or self.smtp_password) and not self.smtp_starttls:
            problems.append(
                "CLAIMS_SMTP_USERNAME/PASSWORD are set without CLAIMS_SMTP_STARTTLS=true: the "
                "credentials would cross the network in the clear"
            )
        return problems

    def _plaintext_remote(self) -> bool:
        return (
            not self._temporal.encrypted
            and not self.temporal_allow_plaintext
            and not is_loopback(self.temporal_target)
        )

    @property
    def temporal_connection(self) -> TemporalConnection:
        """TLS, API key and gRPC metadata for the configured Temporal."""
        return self._temporal

    @property
    def api_key_list(self) -> list[ApiKey]:
        """The configured keys (hashed); dev falls back to the documented dev keys."""
        # Parsed once per distinct value (a plain cached_property would survive model_copy).
        return _parsed_keys(self.api_keys if self.api_keys is not None else DEV_API_KEYS)

    @property
    def dev_submitter(self) -> ApiKey:
        """The dev submitter key's principal (tests and examples act as it)."""
        key = self.key_for("dev-submitter-key")
        if key is None:
            raise LookupError("the dev submitter key is not configured")
        return key

    def key_for(self, token: str | None) -> ApiKey | None:
        """The key a bearer token belongs to (constant-time), or None."""
        return find_key(self.api_key_list, token)

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip() for o in self.cors_allowed_origins.split(",") if o.strip()]

    @property
    def codec_endpoint(self) -> str:
        """Where operators' tools reach our codec (the API's /codec)."""
        return f"http://{self.api_host}:{self.api_port}/codec"

    @property
    def fallback_models(self) -> list[str]:
        return [m.strip() for m in self.llm_fallback_models.split(",") if m.strip()]

    @property
    def temporal_target(self) -> str:
        return self.temporal_address or DEFAULT_TEMPORAL_ADDRESS


def _weak_password(url: str) -> bool:
    try:
        password = make_url(url).password
    except ArgumentError:
        return False
    return password is None or str(password) in DEFAULT_DB_PASSWORDS


def get_settings() -> Settings:
    """Read settings from the environment; each process calls this once at start-up."""
    return Settings()
