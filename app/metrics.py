"""Prometheus metrics of the API process."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "claims_http_requests_total", "HTTP requests handled", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "claims_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)
CLAIMS_SUBMITTED = Counter("claims_submitted_total", "Claims accepted for processing")
REVIEWS = Counter("claims_reviews_total", "Adjuster reviews accepted", ["decision"])
