"""One settings class for every process, read from the environment (and `.env`).

Its fields, by concern and each with its description, are in infra/settings_fields/.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import PrivateAttr, model_validator
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from claims.assessment import PROMPT_VERSION, PROMPTS, ShadowSpec
from claims.delivery import Pacing
from infra.api_keys import ApiKey, Role, find_key, parse_api_keys, production_key_problems
from infra.encryption import KeyRingError, parse_key_ring
from infra.settings_fields import (
    AgentSettings,
    AssessmentSettings,
    DocumentSettings,
    OutboxSettings,
    ServiceSettings,
    TemporalSettings,
    WorkerSettings,
)
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


class Settings(
    # Bases in reverse: the first fields shown (docs/configuration.md) are the service's.
    DocumentSettings,
    OutboxSettings,
    WorkerSettings,
    AgentSettings,
    AssessmentSettings,
    TemporalSettings,
    ServiceSettings,
):
    model_config = SettingsConfigDict(
        env_prefix="CLAIMS_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
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
        # Each message names its variable: the operator fixes the setting, not a guess.
        if self.api_keys is not None:
            try:
                parse_api_keys(self.api_keys)
            except ValueError as exc:
                raise ValueError(f"CLAIMS_API_KEYS: {exc}") from None
        if self.encryption_keys is not None:
            try:
                parse_key_ring(self.encryption_keys.get_secret_value())
            except KeyRingError as exc:
                raise ValueError(f"CLAIMS_ENCRYPTION_KEYS: {exc}") from None
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
        """What a dispatcher starts with (fields of contracts.OutboxRelayInput)."""
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

    @model_validator(mode="after")
    def _known_shadow_prompts(self) -> Settings:
        # Parsed now, so a wrong entry stops the process at start.
        self.shadow_specs  # noqa: B018
        self.shadow_prices  # noqa: B018
        return self

    @property
    def shadow_specs(self) -> list[ShadowSpec]:
        """Each shadow candidate: `model`, `model@<prompt version>`, and `agent:` before either
        for one that investigates."""
        specs = []
        for entry in self.llm_shadow_models.split(","):
            named = entry.strip()
            agent = named.startswith("agent:")
            model, _, version = named.removeprefix("agent:").partition("@")
            if not model:
                continue
            version = version or PROMPT_VERSION
            if version not in PROMPTS:
                known = ", ".join(PROMPTS)
                raise ValueError(
                    f"CLAIMS_LLM_SHADOW_MODELS: no prompt version {version!r} (known: {known})"
                )
            specs.append(ShadowSpec(model=model, prompt_version=version, agent=agent))
        return specs

    @property
    def shadow_prices(self) -> dict[str, Decimal]:
        """CLAIMS_LLM_SHADOW_PRICES: USD per shadow assessment, by model."""
        prices: dict[str, Decimal] = {}
        for entry in filter(None, (e.strip() for e in self.llm_shadow_prices.split(","))):
            model, sep, price = entry.partition("=")
            try:
                value = Decimal(price.strip()) if sep and model.strip() else None
            except ArithmeticError:
                value = None
            if value is None or not value.is_finite() or value < 0:
                raise ValueError(
                    f"CLAIMS_LLM_SHADOW_PRICES: {entry!r} is not model=price (USD, 0 or more)"
                )
            prices[model.strip()] = value
        return prices

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
