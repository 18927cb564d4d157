"""The assessment activity of the llm worker: one litellm call path, validated answers.

`num_retries=0`: Temporal owns retries, so every attempt is visible in the workflow history and
backs off by the activity's retry policy rather than a hidden loop inside litellm.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import contracts as c
from activities.heartbeat import heartbeating
from activities.llm_client import litellm_module
from claims.assessment import PROMPT_VERSION, ModelAnswer, answer_json_schema, build_messages
from infra.store import documents

# A reply that fails validation is re-asked with the error this many times within one attempt,
# then the claim goes to a human with reason `model_output_invalid`.
MAX_REASKS = 2


# Documents are claimant text of up to 1 MiB; the model sees the start of each, bounded so a
# claim with many documents still fits a context window.
MAX_DOCUMENT_CHARS = 8_000


class DocumentSource(Protocol):
    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        """(name, text) of each document, in the order asked."""
        ...


class PostgresDocuments:
    """Reads documents by id (read-only); the llm worker writes nothing."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        async with self._engine.connect() as conn:
            return await documents.texts(conn=conn, claim_id=claim_id, document_ids=document_ids)


class NoDocuments:
    """For an llm worker without a database: claims with documents cannot be assessed here."""

    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        if document_ids:
            raise ApplicationError(
                "this llm worker has no CLAIMS_DATABASE_URL to read claim documents from",
                type="DocumentsUnavailable",
                non_retryable=True,
            )
        return []


class LlmConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str
    api_base: str | None = None
    api_key: str | None = None
    timeout_s: float = 60.0


def _usage(response: Any) -> tuple[int, int]:
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0, 0
    return int(getattr(usage, "prompt_tokens", 0) or 0), int(
        getattr(usage, "completion_tokens", 0) or 0
    )


def _cost(litellm: Any, response: Any) -> Decimal:
    """Cost from litellm's price tables; 0 for models it does not know (ours, self-hosted)."""
    try:
        return Decimal(str(litellm.completion_cost(completion_response=response) or 0))
    except Exception:  # litellm raises several unrelated types for unknown models
        return Decimal(0)


class AssessmentActivities:
    def __init__(self, config: LlmConfig, documents: DocumentSource | None = None) -> None:
        self._config = config
        self._documents = documents or NoDocuments()

    @activity.defn(name=c.ASSESS_CLAIM)
    async def assess_claim(self, request: c.AssessmentInput) -> c.AssessmentResult:
        """Ask the model for a structured assessment of one claim."""
        litellm = litellm_module()
        config = self._config
        texts = await self._documents.texts(request.claim_id, request.document_ids)
        facts = request.facts.model_copy(
            update={"documents": [f"{name}: {text[:MAX_DOCUMENT_CHARS]}" for name, text in texts]}
        )
        messages: list[dict[str, Any]] = build_messages(facts)
        input_tokens = output_tokens = 0
        cost = Decimal(0)
        started = time.monotonic()
        error = "no answer"
        for _ in range(1 + MAX_REASKS):
            response = await heartbeating(
                litellm.acompletion(
                    model=config.model,
                    messages=messages,
                    response_format=answer_json_schema(),
                    num_retries=0,
                    timeout=config.timeout_s,
                    api_base=config.api_base,
                    api_key=config.api_key,
                )
            )
            tokens_in, tokens_out = _usage(response)
            input_tokens += tokens_in
            output_tokens += tokens_out
            cost += _cost(litellm, response)
            content = response.choices[0].message.content or ""
            try:
                answer: ModelAnswer | None = ModelAnswer.model_validate_json(content)
            except ValidationError as exc:
                error = f"invalid model output: {exc.errors()[0]['msg']}"
                activity.logger.warning("model answer failed validation: %s", error)
                messages = [
                    *messages,
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": "Your answer did not match the schema "
                        f"({error}). Answer again with JSON only.",
                    },
                ]
                continue
            return self._result(
                answer=answer,
                invalid_reason=None,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost=cost,
                started=started,
            )
        return self._result(
            answer=None,
            invalid_reason=error,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost=cost,
            started=started,
        )

    def _result(
        self,
        *,
        answer: ModelAnswer | None,
        invalid_reason: str | None,
        input_tokens: int,
        output_tokens: int,
        cost: Decimal,
        started: float,
    ) -> c.AssessmentResult:
        return c.AssessmentResult(
            answer=answer,
            invalid_reason=invalid_reason,
            model=c.ModelFacts(
                name=self._config.model,
                prompt_version=PROMPT_VERSION,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost_usd=cost.quantize(Decimal("0.000001")),
                latency_ms=int((time.monotonic() - started) * 1000),
                attempts=activity.info().attempt,
            ),
        )
