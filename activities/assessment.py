"""The assessment activity of the llm worker: one litellm call path, validated answers.

`num_retries=0`: Temporal owns retries, so every attempt is visible in the workflow history and
backs off by the activity's retry policy (or the provider's Retry-After) rather than a hidden
loop inside litellm. Within one attempt the models are asked in order, primary first: a model
that cannot serve the request (auth, bad request) or is failing right now hands over to the next.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

import contracts as c
from activities.document_source import DocumentSource, NoDocuments, document_lines
from activities.heartbeat import heartbeating
from activities.llm_client import litellm_module
from activities.llm_faults import Fault, FaultKind, classify
from activities.rate_limit import RateLimiter
from claims.assessment import (
    PROMPT_VERSION,
    ClaimFacts,
    ModelAnswer,
    answer_json_schema,
    build_messages,
    first_error,
)
from claims.attachments import AttachedImage, with_images
from claims.decisions import ModelFacts
from claims.lifecycle import ErrorType

T = TypeVar("T")

# A reply that fails validation is re-asked with the error this many times, then the claim goes
# to a human with reason `model_output_invalid`.
MAX_REASKS = 2


class LlmConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str
    fallback_models: list[str] = []
    # Apply to every model of the chain (an OpenAI-compatible gateway serving several models);
    # leave unset to use each provider's own endpoint and key variables.
    api_base: str | None = None
    api_key: str | None = None
    timeout_s: float = 60.0
    max_rps: float | None = None

    @property
    def chain(self) -> list[str]:
        return [self.model, *(m for m in self.fallback_models if m != self.model)]


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    faults: list[str] = field(default_factory=list)

    def facts(self, model: str, prompt_version: str, started: float, attempt: int) -> ModelFacts:
        """The ledger's record of the call that answered, with what the attempt spent."""
        return ModelFacts(
            name=model,
            prompt_version=prompt_version,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=self.cost.quantize(Decimal("0.000001")),
            latency_ms=int((time.monotonic() - started) * 1000),
            attempts=attempt,
        )

    def add(self, litellm: Any, response: Any) -> None:
        usage = getattr(response, "usage", None)
        self.input_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.output_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        self.cost += _cost(litellm, response)


def _cost(litellm: Any, response: Any) -> Decimal:
    """Cost from litellm's price tables; 0 for models it cannot price (ours, self-hosted)."""
    try:
        return Decimal(str(litellm.completion_cost(completion_response=response) or 0))
    except Exception:  # litellm raises several unrelated types for models it cannot price
        return Decimal(0)


def no_model_answered(faults: list[tuple[str, Fault]], usage: Usage) -> ApplicationError:
    """The error when no model of the chain answered in this attempt. Its details carry what
    the attempt's calls cost where the provider reported it (a re-ask that then failed): a
    shadow's budget counts it."""
    summary = "; ".join(f"{model}: {fault.reason}" for model, fault in faults)
    transient = [fault for _, fault in faults if fault.kind is FaultKind.TRANSIENT]
    spent = {"cost_usd": str(usage.cost.quantize(Decimal("0.000001")))}
    if not transient:
        # Every model refused the request itself: more attempts cannot change that.
        return ApplicationError(
            f"no model can assess this claim ({summary})",
            spent,
            type=ErrorType.MODEL_UNAVAILABLE,
            non_retryable=True,
        )
    delays = [f.retry_after_s for f in transient if f.retry_after_s is not None]
    return ApplicationError(
        f"no model answered ({summary})",
        spent,
        # Every model timing out is told apart (shadows record it as `timed_out`).
        type=ErrorType.MODEL_TIMED_OUT
        if all(fault.timed_out for _, fault in faults)
        else "ModelTransientFailure",
        # Honour the provider's Retry-After (the longest asked for) as the next retry delay.
        next_retry_delay=timedelta(seconds=max(delays)) if delays else None,
    )


async def first_answering(
    models: Sequence[str],
    ask: Callable[[str], Awaitable[T]],
    *,
    usage: Usage,
    secrets: Sequence[str | None],
) -> tuple[str, T]:
    """The first model of `models` that answers `ask`, and its answer; each failure is
    classified and logged, and when none answered, the error for Temporal's retry policy."""
    faults: list[tuple[str, Fault]] = []
    for model in models:
        try:
            return model, await ask(model)
        except Exception as exc:  # classified: the next model, or a retry, decides
            fault = classify(exc, secrets=list(secrets))
            activity.logger.warning("model %s failed (%s): %s", model, fault.kind, fault.reason)
            faults.append((model, fault))
            usage.faults.append(f"{model}: {fault.kind}")
    raise no_model_answered(faults, usage)


class ModelChain:
    """The models of a config, asked in order for one claim: production's one call path.

    The llm worker's activity and `claims eval` both assess through this, so an evaluation
    measures exactly what the claims get: the same prompt, schema, re-asks and fallbacks.
    """

    def __init__(self, config: LlmConfig, limiter: RateLimiter | None = None) -> None:
        self._config = config
        self._limiter = limiter or RateLimiter(config.max_rps)
        # Seconds of import, paid here (before a worker polls) rather than inside the first
        # activity, where it would stall the event loop and every activity sharing it.
        litellm_module()

    async def assess(
        self,
        facts: ClaimFacts,
        *,
        attempt: int = 1,
        prompt_version: str = PROMPT_VERSION,
        images: Sequence[AttachedImage] = (),
    ) -> c.AssessmentResult:
        """Ask the models in order; raises ApplicationError when none answered.

        `images` are shown to the models that can see (litellm's capability table); the
        others read the line each image has in the claim data."""
        text_only: list[dict[str, Any]] = build_messages(facts, prompt_version)
        usage = Usage()
        started = time.monotonic()

        async def ask(model: str) -> tuple[ModelAnswer | None, str | None]:
            messages = with_images(text_only, images) if sees(model, images) else text_only
            return await self._ask(model, messages, usage)

        model, (answer, invalid_reason) = await first_answering(
            self._config.chain, ask, usage=usage, secrets=[self._config.api_key]
        )
        return c.AssessmentResult(
            answer=answer,
            invalid_reason=invalid_reason,
            model=usage.facts(model, prompt_version, started, attempt),
            model_faults=usage.faults,
        )

    async def _ask(
        self, model: str, messages: list[dict[str, Any]], usage: Usage
    ) -> tuple[ModelAnswer | None, str | None]:
        """One model: ask, validate, re-ask with the validation error a bounded number of times."""
        litellm = litellm_module()
        config = self._config
        error = "no answer"
        for _ in range(1 + MAX_REASKS):
            await self._limiter.wait()
            response = await heartbeating(
                litellm.acompletion(
                    model=model,
                    messages=messages,
                    response_format=answer_json_schema(),
                    num_retries=0,
                    timeout=config.timeout_s,
                    api_base=config.api_base,
                    api_key=config.api_key,
                )
            )
            usage.add(litellm, response)
            content = response.choices[0].message.content or ""
            try:
                return ModelAnswer.model_validate_json(content), None
            except ValidationError as exc:
                error = first_error(exc)
                activity.logger.warning("answer of %s failed validation: %s", model, error)
                messages = [
                    *messages,
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": f"Your answer did not match the schema ({error}). "
                        "Answer again with the JSON object only.",
                    },
                ]
        return None, f"model output invalid after {1 + MAX_REASKS} tries: {error}"


def sees(model: str, images: Sequence[AttachedImage]) -> bool:
    if not images:
        return False
    try:
        return bool(litellm_module().supports_vision(model=model))
    except Exception:  # a model litellm does not know (our offline assessor): it cannot see
        return False


class AssessmentActivities:
    def __init__(
        self,
        config: LlmConfig,
        documents: DocumentSource | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._config = config
        self._limiter = limiter or RateLimiter(config.max_rps)
        self._chain = ModelChain(config, self._limiter)
        self._candidates: dict[str, ModelChain] = {}
        self._documents = documents or NoDocuments()

    def _chain_for(self, model: str | None) -> ModelChain:
        """Production's chain, or a shadow candidate's model alone (no fallbacks: a shadow
        measures that model). Candidates share the worker's provider, key and rate limit."""
        if model is None:
            return self._chain
        if model not in self._candidates:
            config = self._config.model_copy(update={"model": model, "fallback_models": []})
            self._candidates[model] = ModelChain(config, self._limiter)
        return self._candidates[model]

    @activity.defn(name=c.ASSESS.name)
    async def assess_claim(self, request: c.AssessmentInput) -> c.AssessmentResult:
        """Ask the models in order for a structured assessment of one claim."""
        texts = await self._documents.texts(request.claim_id, request.document_ids)
        images = await self._documents.images(request.claim_id, request.document_ids)
        facts = request.facts.model_copy(update={"documents": document_lines(texts)})
        return await self._chain_for(request.model).assess(
            facts,
            images=images,
            attempt=activity.info().attempt,
            prompt_version=request.prompt_version or PROMPT_VERSION,
        )
