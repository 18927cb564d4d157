"""Traces leave the process over OTLP/HTTP when, and only when, an endpoint is configured."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

from devstack.processes import free_port

EMIT = """
from infra.settings import Settings
from infra.telemetry import configure_tracing
from opentelemetry import trace
configure_tracing(Settings(otlp_endpoint={endpoint!r}), "claims-test")
with trace.get_tracer("t").start_as_current_span("claim-span"):
    pass
trace.get_tracer_provider().force_flush()
"""


class Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Collector.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def emit(endpoint: str | None) -> None:
    code = EMIT.format(endpoint=endpoint)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_spans_are_exported_to_the_configured_collector():
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        Collector.received.clear()
        emit(f"http://127.0.0.1:{port}")
        assert [path for path, _ in Collector.received] == ["/v1/traces"]
        body = Collector.received[0][1]
        assert b"claim-span" in body
        assert b"claims-test" in body  # the service name travels as a resource attribute
        Collector.received.clear()
        emit(None)
        assert Collector.received == []
    finally:
        server.shutdown()
