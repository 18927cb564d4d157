"""Prometheus metrics of the API process.

Request metrics and submissions are counted in this process. Business figures (decisions,
review queue, LLM tokens and cost) come from Postgres at scrape time, so they are exact across
restarts and identical on every API replica: aggregate them with max(), not sum().
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from infra.store.stats import BusinessStats

# Every label of the request metrics comes from a closed set: a label taken from the request as
# sent (a made-up method, a path) would let any caller add series without bound, growing the
# API's memory and every scrape.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def status_label(status: int) -> str:
    """The status code when it is a standard one (100-599), else `other`."""
    return str(status) if 100 <= status <= 599 else "other"


REQUESTS = Counter(
    "claims_http_requests_total", "HTTP requests handled", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "claims_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)
SLOW_CLIENTS = Counter(
    "claims_http_slow_clients",
    "Connections closed because a request's headers or body did not arrive in time",
    ["reading"],
)
CLAIMS_SUBMITTED = Counter("claims_submitted_total", "Claims accepted for processing")
REVIEWS = Counter("claims_reviews_total", "Adjuster reviews accepted", ["decision"])


class BusinessCollector(Collector):
    """Exposes the latest BusinessStats snapshot (refreshed by the /metrics handler)."""

    def __init__(self) -> None:
        self.snapshot: BusinessStats | None = None

    def collect(self) -> Iterator[Metric]:
        stats = self.snapshot
        if stats is None:
            return
        decided = CounterMetricFamily(
            "claims_decided",
            "Decisions recorded, by outcome and by who decided (rule, model, adjuster)",
            labels=["outcome", "decided_by"],
        )
        for (outcome, decided_by), count in sorted(stats.decisions.items()):
            decided.add_metric([outcome, decided_by], count)
        yield decided
        by_status = GaugeMetricFamily("claims_by_status", "Claims by status", labels=["status"])
        for status, count in sorted(stats.claims_by_status.items()):
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily(
            "claims_review_queue_depth",
            "Claims waiting for an adjuster",
            value=stats.claims_by_status.get("awaiting_review", 0),
        )
        yield GaugeMetricFamily(
            "claims_review_queue_escalated",
            "Claims waiting for an adjuster past the review SLA",
            value=stats.escalated_in_review,
        )
        tokens = CounterMetricFamily(
            "claims_llm_tokens", "LLM tokens used by assessments", labels=["direction"]
        )
        tokens.add_metric(["input"], stats.llm_input_tokens)
        tokens.add_metric(["output"], stats.llm_output_tokens)
        yield tokens
        yield CounterMetricFamily(
            "claims_llm_cost_usd", "LLM cost of assessments in USD", value=float(stats.llm_cost_usd)
        )
        by_model = CounterMetricFamily(
            "claims_llm_assessments", "Assessments answered, by model", labels=["model"]
        )
        for model, count in sorted(stats.llm_calls_by_model.items()):
            by_model.add_metric([model], count)
        yield by_model
        yield from _shadow_metrics(stats)


def _shadow_metrics(stats: BusinessStats) -> Iterator[Metric]:
    """Shadow assessments (workflows/shadow.py): how many per model and outcome (over_budget
    says a candidate's daily budget stopped it), how often they agreed with production, and
    what they cost."""
    assessed = CounterMetricFamily(
        "claims_llm_shadow_assessments",
        "Shadow assessments by candidate model and outcome (done, invalid, failed, timed_out, "
        "over_budget)",
        labels=["model", "status"],
    )
    for (model, status), count in sorted(stats.shadows.items()):
        assessed.add_metric([model, status], count)
    yield assessed
    for name, text, figures in (
        ("agreements", "routed as production did", stats.shadow_agreements),
        ("disagreements", "routed otherwise than production", stats.shadow_disagreements),
    ):
        family = CounterMetricFamily(
            f"claims_llm_shadow_{name}", f"Shadow assessments {text}", labels=["model"]
        )
        for model, count in sorted(figures.items()):
            family.add_metric([model], count)
        yield family
    cost = CounterMetricFamily(
        "claims_llm_shadow_cost_usd", "Shadow assessments' LLM cost in USD", labels=["model"]
    )
    for model, usd in sorted(stats.shadow_cost_usd.items()):
        cost.add_metric([model], float(usd))
    yield cost


BUSINESS = BusinessCollector()
REGISTRY.register(BUSINESS)
