import uuid

import pytest
from temporalio.testing import ActivityEnvironment

from activities.assessment import AssessmentActivities, LlmConfig
from activities.llm_client import OFFLINE_MODEL
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
