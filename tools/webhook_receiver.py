"""A webhook receiver of our own: a bare HTTP/1.1 server that can misbehave on purpose.

Each request takes the next fault from its plan (`ok`, `500`, `hang`, `close`, `redirect`),
then answers 200 once the plan runs out. `redirect` answers 307 to `/elsewhere` on this
server. `hang` holds the connection past the sender's timeout; `close` drops the connection
without a response. `kill` calls `on_kill` (a test SIGKILLs the sending worker) having taken
the event in, as a receiver that stored it before answering. Every request is kept (headers,
body), so tests count distinct `webhook-id`s and the duplicates a real receiver would drop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

FAULTS = ("ok", "500", "hang", "close", "kill", "redirect")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: str

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    plan: deque[str] = field(default_factory=deque)
    requests: list[Received] = field(default_factory=list)
    # Every request answers with this once the plan is used up ("ok" or "500": a dead receiver).
    default: str = "ok"
    # Per path (`url_for(name)`): how that receiver always answers ("410": gone for good, "503").
    answers: dict[str, str] = field(default_factory=dict)
    hang_s: float = 30.0
    on_kill: Callable[[], None] | None = None
    # The most distinct deliveries (webhook-ids) held open at once: a sender's in-flight bound.
    # Counted by id, since a retry may connect before the receiver sees the last attempt close.
    peak_open: int = 0
    _open: Counter[str] = field(default_factory=Counter)
    _server: asyncio.Server | None = None

    def misbehave(self, faults: Iterable[str]) -> None:
        for fault in faults:
            assert fault in FAULTS, fault
            self.plan.append(fault)

    @property
    def url(self) -> str:
        return self.url_for("hooks")

    def url_for(self, name: str) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/{name}"

    def accepted_at(self, name: str) -> list[Received]:
        return [r for r in self.accepted if r.path == f"/{name}"]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            # Connections held by `hang` are not waited for.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    # What a receiver that drops duplicates by webhook-id ends up with.
    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.answered in ("ok", "kill")]

    def accepted_ids(self) -> set[str]:
        return {r.webhook_id for r in self.accepted}

    def duplicates(self) -> int:
        counts = Counter(r.webhook_id for r in self.accepted)
        return sum(n - 1 for n in counts.values())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                path, headers, body = request
                fault = self.plan.popleft() if self.plan else self.default
                fault = self.answers.get(path.lstrip("/"), fault)
                self.requests.append(Received(path, headers, body, fault))
                if fault == "close":
                    return
                if fault == "kill" and self.on_kill is not None:
                    self.on_kill()
                if fault == "hang":
                    held = headers.get("webhook-id", "")
                    self._open[held] += 1
                    self.peak_open = max(self.peak_open, len(+self._open))
                    try:
                        # Held until the sender gives up and closes, or hang_s passes.
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(reader.read(1), self.hang_s)
                    finally:
                        self._open[held] -= 1
                    return
                writer.write(_answer(fault))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, dict[str, str], bytes] | None:
    head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
    if not head:
        return None
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    path = lines[0].split(" ")[1] if " " in lines[0] else "/"
    return path, headers, body


def _answer(fault: str) -> bytes:
    status = {
        "500": "500 Internal Server Error",
        "503": "503 Service Unavailable",
        "410": "410 Gone",
        "redirect": "307 Temporary Redirect",
    }
    location = "location: /elsewhere\r\n" if fault == "redirect" else ""
    head = f"HTTP/1.1 {status.get(fault, '200 OK')}\r\n{location}content-length: 0\r\n\r\n"
    return head.encode("ascii")
