"""The llm worker: only the assessment activity, on its own task queue, no database."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.agent_turn import AgentTurns
from activities.assessment import AssessmentActivities, LlmConfig
from activities.document_source import DocumentSource
from activities.rate_limit import RateLimiter
from infra.settings import Settings


def llm_config(settings: Settings) -> LlmConfig:
    return LlmConfig(
        model=settings.llm_model,
        fallback_models=settings.fallback_models,
        api_base=settings.llm_api_base,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=settings.llm_timeout_s,
        max_rps=settings.llm_max_rps,
    )


def build_llm_worker(
    client: Client,
    *,
    config: LlmConfig,
    task_queue: str,
    documents: DocumentSource | None = None,
    max_concurrency: int = 20,
    **options: Any,
) -> Worker:
    """A worker serving only the assessment activity, on its own task queue.

    Slow, rate-limited model calls never starve claim bookkeeping, and this worker scales on its
    own. `max_concurrency` bounds the calls in flight from this process; `config.max_rps` bounds
    how fast Temporal hands out assessments across every worker of the queue.
    """
    limiter = RateLimiter(config.max_rps)
    assessment = AssessmentActivities(config, documents, limiter)
    turns = AgentTurns(config, documents, limiter)
    return Worker(
        client,
        task_queue=task_queue,
        activities=[assessment.assess_claim, turns.agent_turn],
        max_concurrent_activities=max_concurrency,
        max_task_queue_activities_per_second=config.max_rps,
        **options,
    )
