"""The model: provider, chain, timeouts, rate, shadows and their budget; the payment rail."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from claims.routing import DEFAULT_AUTO_APPROVE_MIN_CONFIDENCE
from infra.settings_fields.documented import DOCUMENTED


class AssessmentSettings(BaseSettings):
    """The model, and the business rules that travel with each claim."""

    model_config = DOCUMENTED

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
    route (comma separated; `model@<prompt version>` picks a prompt; `agent:model` investigates,
    never asking the claimant); read by the claims worker. Empty: no shadows
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
    info_wait_s: int = Field(default=1_209_600, gt=0)
    """seconds a claimant has to answer an adjuster's request for information; then the claim
    is assessed again without the answer (each claim keeps the value in force at submission)
    """
    step_alert_attempts: int = Field(default=10, ge=2)
    """attempts of a transiently failing database or payment step before its claim is flagged
    `StepRetrying` (it keeps retrying)
    """
    payment_blocked_payees: str = ""
    """payee accounts (claimant e-mails) the built-in ledger rail refuses, comma separated, as a
    real rail refuses closed or sanctioned accounts
    """
