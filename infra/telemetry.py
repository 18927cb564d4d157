"""Tracing (OpenTelemetry) and the Temporal SDK's own metrics (Prometheus).

Spans flow from the API request through the workflow to its activities: the Temporal SDK's
TracingInterceptor carries the trace context in workflow and activity headers. Spans are
exported over OTLP/HTTP when an endpoint is configured. Without one there is no interceptor at
all: spans nobody exports would cost the claims worker a header payload on every command, each
encrypted, and a span per workflow task, for nothing (adding an endpoint is a restart anyway).
"""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from infra.settings import Settings

log = logging.getLogger(__name__)

_configured = False


def configure_tracing(settings: Settings, service: str) -> None:
    """Install the process's tracer provider (once), exporting over OTLP when configured."""
    global _configured  # noqa: PLW0603 - one provider per process, by OpenTelemetry's design
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        log.info("exporting traces to %s", endpoint)
    trace.set_tracer_provider(provider)
    _configured = True


def tracing_interceptor() -> TracingInterceptor:
    """Client and worker interceptor creating spans for workflows and activities."""
    return TracingInterceptor()


def tracing_interceptors(settings: Settings) -> list[Interceptor]:
    """The tracing interceptor when spans are exported; none when they are not."""
    return [tracing_interceptor()] if settings.otlp_endpoint else []


def worker_runtime(metrics_port: int | None, host: str = "127.0.0.1") -> Runtime | None:
    """A Temporal runtime serving the SDK's metrics on `host:metrics_port` (None: no port).

    Loopback by default: a container that is scraped from outside sets the host to 0.0.0.0.
    """
    if metrics_port is None:
        return None
    address = f"{host}:{metrics_port}"
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
