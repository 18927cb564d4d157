"""The assessment activity against our own OpenAI-compatible server, over real HTTP."""

import uuid
from datetime import timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.assessment import AssessmentActivities, LlmConfig
from activities.llm_faults import FaultKind, classify
from claims.assessment import Recommendation
from contracts import AssessmentInput, AssessmentResult
from devstack.processes import free_port
from tools import samples as f
from tools.fake_llm import FakeLlmServer

FACTS = f.facts("A pipe burst in the kitchen; plumber invoice attached.")


async def assess(
    server: FakeLlmServer, model: str, *fallbacks: str, timeout_s: float = 10, api_base: str = ""
) -> AssessmentResult:
    config = LlmConfig(
        model=f"openai/{model}",
        fallback_models=[f"openai/{m}" for m in fallbacks],
        api_base=api_base or server.api_base,
        api_key="sk-test",
        timeout_s=timeout_s,
    )
    request = AssessmentInput(claim_id=uuid.uuid4(), facts=FACTS)
    return await ActivityEnvironment().run(AssessmentActivities(config).assess_claim, request)


async def refusal(server: FakeLlmServer, model: str, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        await assess(server, model, **kwargs)
    return raised.value


async def test_a_good_answer_is_validated_and_measured(fake_llm: FakeLlmServer):
    result = await assess(fake_llm, "good")
    assert result.answer is not None
    assert result.answer.recommendation is Recommendation.APPROVE
    facts = result.model
    assert (facts.name, facts.input_tokens, facts.output_tokens) == ("openai/good", 321, 42)
    assert facts.attempts == 1
    assert facts.latency_ms >= 0
    sent = fake_llm.stats.response_formats[-1]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"]["required"] == [
        "recommendation",
        "confidence",
        "rationale",
        "risk_flags",
    ]


async def test_cost_comes_from_litellms_price_table(fake_llm: FakeLlmServer):
    priced = await assess(fake_llm, "gpt-4o-mini")
    unknown = await assess(fake_llm, "good")
    assert priced.model.cost_usd > 0
    assert unknown.model.cost_usd == 0


async def test_429_is_retryable_after_the_providers_retry_after(fake_llm: FakeLlmServer):
    before = fake_llm.stats.requests["rate-limited-7"]
    error = await refusal(fake_llm, "rate-limited-7")
    assert (error.type, error.non_retryable) == ("ModelTransientFailure", False)
    assert error.next_retry_delay == timedelta(seconds=7)
    # num_retries=0: litellm asked once; Temporal owns the retry.
    assert fake_llm.stats.requests["rate-limited-7"] == before + 1


@pytest.mark.parametrize("model", ["error-500"])
async def test_server_errors_are_retryable_with_backoff(fake_llm: FakeLlmServer, model):
    error = await refusal(fake_llm, model)
    assert (error.type, error.non_retryable, error.next_retry_delay) == (
        "ModelTransientFailure",
        False,
        None,
    )


async def test_timeouts_and_refused_connections_are_retryable(fake_llm: FakeLlmServer):
    slow = await refusal(fake_llm, "slow-3", timeout_s=0.5)
    # Told apart from other transient faults (a shadow records it as timed out), still retried.
    assert (slow.type, slow.non_retryable) == ("ModelTimedOut", False)
    closed = await refusal(fake_llm, "good", api_base=f"http://127.0.0.1:{free_port()}/v1")
    assert (closed.type, closed.non_retryable) == ("ModelTransientFailure", False)


@pytest.mark.parametrize("model", ["unauthorized", "context-window"])
async def test_auth_and_bad_requests_are_not_retried_on_that_model(fake_llm: FakeLlmServer, model):
    error = await refusal(fake_llm, model)
    assert (error.type, error.non_retryable) == ("ModelUnavailable", True)


@pytest.mark.parametrize("primary", ["unauthorized", "context-window", "error-500", "rate-limited"])
async def test_the_fallback_answers_when_the_primary_cannot(fake_llm: FakeLlmServer, primary):
    result = await assess(fake_llm, primary, "good")
    assert result.answer is not None
    assert result.model.name == "openai/good"
    assert result.model_faults[0].startswith(f"openai/{primary}: ")


async def test_fallbacks_are_tried_in_order(fake_llm: FakeLlmServer):
    result = await assess(fake_llm, "unauthorized", "error-500", "gpt-4o-mini", "good")
    assert result.model.name == "openai/gpt-4o-mini"
    assert [f.split(":")[0] for f in result.model_faults] == [
        "openai/unauthorized",
        "openai/error-500",
    ]


@pytest.mark.parametrize("model", ["prose", "bad-schema"])
async def test_invalid_answers_are_reasked_then_given_up(fake_llm: FakeLlmServer, model):
    before = fake_llm.stats.requests[model]
    result = await assess(fake_llm, model)
    assert result.answer is None
    assert result.invalid_reason is not None
    assert "invalid" in result.invalid_reason
    assert fake_llm.stats.requests[model] == before + 3
    assert result.model.input_tokens == 3 * 321


async def test_a_reask_with_the_error_can_recover(fake_llm: FakeLlmServer):
    result = await assess(fake_llm, "flaky-prose")
    assert result.answer is not None
    assert result.model.input_tokens == 2 * 321


class Response:
    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status_code = status
        self.headers = headers


class StatusError(Exception):
    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"status {status}")
        self.status_code = status
        self.response = Response(status, headers or {})


@pytest.mark.parametrize(
    ("error", "kind", "retry_after"),
    [
        (StatusError(429, {"retry-after": "3"}), FaultKind.TRANSIENT, 3.0),
        (
            StatusError(429, {"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}),
            FaultKind.TRANSIENT,
            None,
        ),
        (StatusError(503), FaultKind.TRANSIENT, None),
        (StatusError(408), FaultKind.TRANSIENT, None),
        (StatusError(401), FaultKind.MODEL_UNUSABLE, None),
        (StatusError(403), FaultKind.MODEL_UNUSABLE, None),
        (StatusError(404), FaultKind.MODEL_UNUSABLE, None),
        (StatusError(400), FaultKind.MODEL_UNUSABLE, None),
        (TimeoutError(), FaultKind.TRANSIENT, None),
        (ConnectionResetError(), FaultKind.TRANSIENT, None),
        (RuntimeError("no status at all"), FaultKind.TRANSIENT, None),
    ],
)
def test_fault_classification(error, kind, retry_after):
    fault = classify(error)
    assert (fault.kind, fault.retry_after_s) == (kind, retry_after)
