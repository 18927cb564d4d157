"""The API and the service as a whole: environment, keys, database, limits; and Temporal."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings

from infra.settings_fields.documented import DOCUMENTED


class ServiceSettings(BaseSettings):
    """The API and what every process needs: environment, addresses, keys, database, limits."""

    model_config = DOCUMENTED

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

    model_config = DOCUMENTED

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
