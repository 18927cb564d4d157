"""What operators see: traces across processes, JSON logs, business metrics, Web UI summaries."""

import io
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client
from temporalio.worker import Replayer

from infra import logging as claims_logging
from infra.encryption import data_converter
from infra.telemetry import tracing_interceptor
from tests.support.api import TERMINAL, create_policy, submit, wait_for_claim
from tests.support.stack import Stack, StackFactory
from tools import samples as f
from tools.keys import SESSION_RING
from workflows.claim import ClaimWorkflow
from workflows.sandbox import claim_workflow_runner


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


@pytest.fixture
async def traced_http(
    spans: InMemorySpanExporter, client: Client, make_stack: StackFactory
) -> AsyncIterator[httpx.AsyncClient]:
    traced = await Client.connect(
        client.service_client.config.target_host,
        data_converter=data_converter(SESSION_RING),
        interceptors=[tracing_interceptor()],
    )
    async with make_stack(temporal=traced) as stack:
        yield stack.http


async def test_one_trace_runs_from_the_request_through_the_workflow_to_its_activities(
    traced_http: httpx.AsyncClient, spans: InMemorySpanExporter
):
    number = await create_policy(traced_http)
    spans.clear()
    claim_id = (await submit(traced_http, number))["claim_id"]
    await wait_for_claim(traced_http, claim_id, TERMINAL)
    finished = spans.get_finished_spans()
    request = next(s for s in finished if s.name == "POST /v1/claims")
    in_trace = {s.name for s in finished if s.context.trace_id == request.context.trace_id}
    assert "StartWorkflow:ClaimWorkflow" in in_trace
    assert "RunWorkflow:ClaimWorkflow" in in_trace
    for activity in ("admit_claim", "record_steps", "assess_claim", "pay_claim"):
        assert f"RunActivity:{activity}" in in_trace, activity


async def test_a_traced_claims_history_replays_on_workers_without_tracing(
    traced_http: httpx.AsyncClient, client: Client
):
    """Workers make spans only when they export them: a claim recorded by workers that traced
    (its commands carry trace headers) must replay on workers that do not, and back."""
    number = await create_policy(traced_http)
    claim = await submit(traced_http, number)
    await wait_for_claim(traced_http, claim["claim_id"], TERMINAL)
    history = await client.get_workflow_handle(claim["workflow_id"]).fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert scheduled
    assert all(a.header.fields for a in scheduled)  # the trace rode along
    replayer = Replayer(
        workflows=[ClaimWorkflow],
        data_converter=data_converter(SESSION_RING),
        workflow_runner=claim_workflow_runner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None


async def test_a_callers_traceparent_is_continued(
    traced_http: httpx.AsyncClient, spans: InMemorySpanExporter
):
    trace_id = uuid.uuid4().hex
    spans.clear()
    response = await traced_http.get(
        "/healthz", headers={"traceparent": f"00-{trace_id}-{'1' * 16}-01"}
    )
    assert response.status_code == 200
    [server] = [s for s in spans.get_finished_spans() if s.name == "GET /healthz"]
    assert f"{server.context.trace_id:032x}" == trace_id


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Everything logged at INFO and above, formatted as the prod JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(claims_logging.JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


async def test_logs_are_json_with_the_claim_and_never_the_claimant(
    http: httpx.AsyncClient, json_logs: io.StringIO
):
    name, email = "Zebulon Quixote-Marchbanks", f"zq-{uuid.uuid4().hex[:8]}@example.org"
    secret = f"Stolen saxophone, serial {uuid.uuid4().hex}"
    number = await create_policy(http)
    claim_id = (
        await submit(http, number, claimant={"name": name, "email": email}, description=secret)
    )["claim_id"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line]
    about = [line for line in lines if line.get("claim_id") == claim_id]
    assert about, "activity log lines carry the claim id"
    assert all(line["workflow_id"] == f"claim-{claim_id}" for line in about)
    assert any("recorded review_requested" in line["message"] for line in about)
    text = json_logs.getvalue()
    for private in (name, email, secret):
        assert private not in text


async def test_metrics_show_business_figures(http: httpx.AsyncClient, stack: Stack):
    number = await create_policy(http)
    paid = (await submit(http, number))["claim_id"]
    waiting = (await submit(http, number, description=f.RED_FLAG_DESCRIPTION))["claim_id"]
    await wait_for_claim(http, paid, TERMINAL)
    await wait_for_claim(http, waiting, {"awaiting_review"})
    text = (await http.get("/metrics")).text
    samples = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert samples['claims_decided_total{decided_by="model",outcome="approve"}'] >= 1
    assert samples['claims_decided_total{decided_by="model",outcome="review"}'] >= 1
    assert samples["claims_review_queue_depth"] >= 1
    assert samples['claims_llm_tokens_total{direction="input"}'] > 0
    assert "claims_llm_cost_usd_total" in samples
    assert samples['claims_llm_assessments_total{model="offline/claims-assessor"}'] >= 2
    assert samples["claims_submitted_total"] >= 2


async def test_the_web_ui_reads_summaries_not_payloads(http: httpx.AsyncClient, client: Client):
    number = await create_policy(http)
    submitted = await submit(http, number, description=f.RED_FLAG_DESCRIPTION)
    claim_id, claim_number = submitted["claim_id"], submitted["claim_number"]
    await wait_for_claim(http, claim_id, {"awaiting_review"})
    handle = client.get_workflow_handle(f"claim-{claim_id}")
    description = await handle.describe()
    assert await description.static_summary() == (
        f"{claim_number}: auto claim of 1250.00 USD on policy {number}"
    )
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert metadata.current_details.startswith("**awaiting_review**: waiting for adjuster review")
    history = await handle.fetch_history()
    stored = [
        e.user_metadata.summary
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
        # Postgres steps run as local activities: their summaries ride on the marker events.
        or e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    ]
    # Summaries are user metadata: encrypted like every payload, read through the codec.
    assert all(p.metadata["encoding"] == b"binary/encrypted" for p in stored)
    summaries = await client.data_converter.decode(stored, [str] * len(stored))
    assert "Assess claim with offline/claims-assessor" in summaries
    assert f"Record submission; check against policy {number}" in summaries
    # What one workflow task decided is written in one step, and its summary names it all.
    assert "Record assessed, review requested" in summaries


def _request_series(exposition: str) -> set[str]:
    """The request metrics' series (name and labels, without their values)."""
    return {
        line.rpartition(" ")[0]
        for line in exposition.splitlines()
        if line.startswith("claims_http_")
    }


async def test_no_request_can_grow_the_metrics(make_stack: StackFactory) -> None:
    async with make_stack() as stack:
        # One made-up method at an unknown path, and a scrape, first: the series they need
        # (the scrape's own included) exist from now on; 1,000 more add none.
        await stack.http.request("BREW", f"/v1/claims/{uuid.uuid4()}/x")
        await stack.http.get("/metrics")
        before = _request_series((await stack.http.get("/metrics")).text)
        for n in range(1000):
            method = f"M{n}" if n % 100 else "X" * 15_000
            await stack.http.request(method, f"/v1/claims/{uuid.uuid4()}/x{n}")
        after = _request_series((await stack.http.get("/metrics")).text)
    # The made-up requests added counts, never series.
    assert after == before, sorted(after - before)[:3]
    methods = {s.split('method="')[1].split('"')[0] for s in after if 'method="' in s}
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert "other" in methods
    assert max(len(s) for s in after) < 300
