"""The llm worker: only the assessment activity, on its own task queue, no database."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker

from activities.assessment import AssessmentActivities, DocumentSource, LlmConfig
from infra.settings import Settings


def llm_config(settings: Settings) -> LlmConfig:
    return LlmConfig(
        model=settings.llm_model,
        api_base=settings.llm_api_base,
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s,
    )


def build_llm_worker(
    client: Client,
    *,
    config: LlmConfig,
    task_queue: str,
    documents: DocumentSource | None = None,
) -> Worker:
    """A worker serving the assessment activity; slow LLM calls never block claim bookkeeping."""
    assessment = AssessmentActivities(config, documents)
    return Worker(client, task_queue=task_queue, activities=[assessment.assess_claim])
