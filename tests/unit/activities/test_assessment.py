import uuid

import pytest
from temporalio.testing import ActivityEnvironment

from activities.assessment import AssessmentActivities, LlmConfig
from activities.llm_client import OFFLINE_MODEL, litellm_module
from claims.assessment import PROMPT_VERSION, Recommendation
from contracts import AssessmentInput
from tools import samples as f


@pytest.mark.parametrize(
    ("description", "recommendation"),
    [
        ("A pipe burst in the kitchen; plumber invoice attached.", Recommendation.APPROVE),
        ("Jewellery stolen during a party.", Recommendation.REVIEW),
    ],
)
async def test_offline_model_answers_through_litellm(description, recommendation):
    activities = AssessmentActivities(LlmConfig(model=OFFLINE_MODEL))
    result = await ActivityEnvironment().run(
        activities.assess_claim, AssessmentInput(claim_id=uuid.uuid4(), facts=f.facts(description))
    )
    assert result.answer is not None
    assert result.answer.recommendation is recommendation
    assert result.model.name == OFFLINE_MODEL
    assert result.model.prompt_version == PROMPT_VERSION
    assert result.model.input_tokens > 0
    assert result.model.output_tokens > 0
    assert result.model.cost_usd == 0
    assert result.model.attempts == 1


def test_the_model_library_is_loaded_when_the_activity_is_built_not_while_it_runs():
    # litellm's import takes seconds of CPU; inside a running activity it would stall the
    # worker's event loop, and every activity sharing it (a webhook attempt's 0.5 s deadline
    # became 4 s in the test stack). The worker builds its activities before it polls.
    litellm_module.cache_clear()
    AssessmentActivities(LlmConfig(model=OFFLINE_MODEL))
    assert litellm_module.cache_info().currsize == 1
