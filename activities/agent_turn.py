"""One model turn of an investigation, on the llm worker: the transcript in, tool calls out.

The same call path as a one-shot assessment (activities/assessment.py): litellm with
`num_retries=0` (Temporal owns retries, each attempt is in the history), the models of the
chain in order, the worker's rate limit, heartbeats while the provider thinks. The conversation
is rebuilt from the workflow's compact transcript each turn; the text of the documents it read
is fetched here by reference, so the claim's history never carries it.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import ValidationError
from temporalio import activity

import contracts as c
from activities.assessment import LlmConfig, Usage, first_answering, sees
from activities.document_source import MAX_DOCUMENT_CHARS, DocumentSource, NoDocuments
from activities.heartbeat import heartbeating
from activities.llm_client import litellm_module
from activities.rate_limit import RateLimiter
from claims.agent import ToolCall, TurnOutcome
from claims.agent_messages import agent_messages, documents_read, tool_definitions
from claims.assessment import PROMPT_VERSION, ModelAnswer, first_error
from claims.attachments import with_images

# Calls one turn may make (more are dropped): a model asking for 50 tools at once is bounded
# here as well as by the claim's tool-call limit.
MAX_CALLS_PER_TURN = 8


def turn_outcome(response: Any, turn: int) -> TurnOutcome:
    """Tool calls, or (for a model that answers in plain JSON) the answer, or why neither."""
    message = response.choices[0].message
    raw_calls = list(getattr(message, "tool_calls", None) or [])[:MAX_CALLS_PER_TURN]
    calls = [
        ToolCall(
            call_id=str(getattr(call, "id", "") or f"call-{turn}-{index}")[:200],
            name=str(getattr(call.function, "name", "") or "")[:200],
            arguments=str(getattr(call.function, "arguments", "") or "{}")[:4000],
        )
        for index, call in enumerate(raw_calls)
    ]
    if calls:
        return TurnOutcome(calls=calls)
    content = str(getattr(message, "content", "") or "")
    try:
        return TurnOutcome(answer=ModelAnswer.model_validate_json(content))
    except ValidationError as exc:
        return TurnOutcome(invalid_reason=f"no tool call, and not an answer ({first_error(exc)})")


class AgentTurns:
    """The llm worker's model turns, bound to its model chain, documents and rate limit."""

    def __init__(
        self,
        config: LlmConfig,
        documents: DocumentSource | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._config = config
        self._documents = documents or NoDocuments()
        self._limiter = limiter or RateLimiter(config.max_rps)
        # Seconds of import, paid before the first turn is timed (as ModelChain does): an
        # evaluation's first claim, or a worker's first activity, must not pay for it.
        litellm_module()

    def with_documents(self, documents: DocumentSource) -> AgentTurns:
        """The same model chain and rate limit, reading another source of documents (one
        golden claim's, in an evaluation)."""
        return AgentTurns(self._config, documents, self._limiter)

    @activity.defn(name=c.AGENT_TURN.name)
    async def agent_turn(self, request: c.AgentTurnInput) -> c.AgentTurnResult:
        """Ask the models in order for this turn's tool calls (or answer)."""
        return await self.turn(request, attempt=activity.info().attempt)

    async def turn(self, request: c.AgentTurnInput, *, attempt: int = 1) -> c.AgentTurnResult:
        """The turn itself: also what `claims eval --agent` asks, outside any worker."""
        found = await self._documents.by_id(request.claim_id, request.document_ids)
        listing = [f"document {doc_id}: {name}" for doc_id, (name, _) in found.items()]
        # Each document as a one-shot assessment shows it: its name, then the start of its text.
        texts = {
            doc_id: f"{name}: {text[:MAX_DOCUMENT_CHARS]}" for doc_id, (name, text) in found.items()
        }
        facts = request.facts.model_copy(update={"documents": listing})
        version = request.prompt_version or PROMPT_VERSION
        messages = agent_messages(facts, request.steps, version, texts)
        # The photos and scans it has read, shown (with the claim data) to a model that sees.
        read = documents_read(request.steps)
        images = await self._documents.images(request.claim_id, read) if read else []
        usage = Usage()
        started = time.monotonic()

        async def ask(model: str) -> Any:
            shown = with_images(messages, images, at=1) if sees(model, images) else messages
            return await self._ask(model, shown, usage)

        # A shadow's candidate is measured alone; production's turns use the chain.
        model, response = await first_answering(
            [request.model] if request.model else self._config.chain,
            ask,
            usage=usage,
            secrets=[self._config.api_key],
        )
        return c.AgentTurnResult(
            outcome=turn_outcome(response, request.turn),
            model=usage.facts(model, version, started, attempt),
        )

    async def _ask(self, model: str, messages: list[dict[str, Any]], usage: Usage) -> Any:
        litellm = litellm_module()
        await self._limiter.wait()
        response = await heartbeating(
            litellm.acompletion(
                model=model,
                messages=messages,
                tools=tool_definitions(),
                tool_choice="auto",
                num_retries=0,
                timeout=self._config.timeout_s,
                api_base=self._config.api_base,
                api_key=self._config.api_key,
            )
        )
        usage.add(litellm, response)
        return response
