"""How `claims api` serves HTTP: uvicorn's options, and deadlines for reading a request.

uvicorn closes an idle keep-alive connection, but a client that keeps sending a byte now and
then (slowloris) resets that timer, and a fresh connection has no deadline at all: a few
hundred such connections would hold the API open for ever. Here each request must arrive in
time, whatever trickles in meanwhile:
- its headers within `CLAIMS_REQUEST_HEADER_TIMEOUT_S` of the connection opening (or of the
  previous response): otherwise the connection is closed;
- its whole body within `CLAIMS_REQUEST_BODY_TIMEOUT_S` of its headers: otherwise it is
  answered 408 and closed (the app, waiting for the body, reads a disconnect).
Connections cut off are counted in `claims_http_slow_clients_total`, never logged one by one
(under a slowloris flood that would be the flood in the logs).
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.http import metrics
from infra.settings import Settings

# A request's headers may be at most this large (uvicorn's h11 default, said out loud).
MAX_HEADER_BYTES = 16 * 1024
_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 35\r\nconnection: close\r\n\r\nthe request did not arrive in time\n"
)
# After the 408, what the client still sends is read and dropped this long before the socket
# closes: closing on unread bytes would reset the connection, and the client could lose the 408.
LINGER_S = 2.0


class Reading(StrEnum):
    HEADERS = "headers"
    BODY = "body"


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline on each request's headers and body."""

    header_timeout_s: ClassVar[float] = 10.0
    body_timeout_s: ClassVar[float] = 60.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._reading: Reading | None = None
        self._lingering = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return  # the rest of a request already answered 408
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._follow()  # the next request's headers are due now

    def _now_reading(self) -> Reading | None:
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            return Reading.HEADERS
        if cycle.more_body and not cycle.disconnected:
            return Reading.BODY
        return None  # the request is in; the app has it

    def _follow(self) -> None:
        """Arm the deadline of what is being read now (kept while the same thing is read)."""
        reading = self._now_reading()
        if reading is self._reading:
            return
        self._disarm()
        self._reading = reading
        if reading is not None:
            timeout = self.header_timeout_s if reading is Reading.HEADERS else self.body_timeout_s
            self._deadline = self.loop.call_later(timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self._reading is None:
            return
        metrics.SLOW_CLIENTS.labels(reading=self._reading.value).inc()
        cycle = self.cycle
        answer = self._reading is Reading.BODY and cycle is not None and not cycle.response_started
        if answer and self.transport.can_write_eof():
            # Written past h11: the request is incomplete, and the connection ends here.
            self.transport.write(_REQUEST_TIMEOUT)
            self.transport.write_eof()
            self._lingering = True
            self.loop.call_later(LINGER_S, self.transport.close)
            return
        self.transport.close()


def protocol_for(settings: Settings) -> type[DeadlineH11Protocol]:
    """The protocol class with this configuration's deadlines (uvicorn builds one per
    connection from the class)."""
    return type(
        "ConfiguredDeadlineH11Protocol",
        (DeadlineH11Protocol,),
        {
            "header_timeout_s": settings.request_header_timeout_s,
            "body_timeout_s": settings.request_body_timeout_s,
        },
    )


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the API (besides the app)."""
    return {
        "host": settings.api_host,
        "port": settings.api_port,
        "http": protocol_for(settings),
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        # An idle keep-alive connection is closed after this long (uvicorn's own timer).
        "timeout_keep_alive": 5,
        "log_config": None,
        "access_log": False,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.trusted_proxies,
    }
