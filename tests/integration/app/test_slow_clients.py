"""A client that sends its headers or its body slowly is cut off, so slow connections cannot
pile up and hold the API (slowloris).

The server runs with exactly the options `claims api` gives uvicorn, captured from the command
itself, in front of the real app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from devstack.processes import free_port
from tests.support.stack import StackFactory
from tools.keys import SESSION_KEYS

# The deadlines under test, short so that the test is quick; the defaults are documented.
HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 2.0
# Generous: how long the test waits for the server to hang up before calling it a failure.
GIVE_UP_S = 20.0
SLOW_CLIENTS = 20


def _api_options(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `claims api` passes to uvicorn.run, with these deadlines configured."""
    from cli.main import main

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    monkeypatch.setattr("infra.logging.configure", lambda *args, **kwargs: None)
    monkeypatch.setattr("infra.telemetry.configure_tracing", lambda *args, **kwargs: None)
    monkeypatch.setenv("CLAIMS_DATABASE_URL", "postgresql+asyncpg://claims:pw@db/claims")
    monkeypatch.setenv("CLAIMS_ENCRYPTION_KEYS", SESSION_KEYS)
    monkeypatch.setenv("CLAIMS_REQUEST_HEADER_TIMEOUT_S", str(HEADER_TIMEOUT_S))
    monkeypatch.setenv("CLAIMS_REQUEST_BODY_TIMEOUT_S", str(BODY_TIMEOUT_S))
    assert main(["api"]) == 0
    return served


@pytest.fixture
async def api_port(make_stack: StackFactory, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[int]:
    options = _api_options(monkeypatch) | {"host": "127.0.0.1", "port": free_port()}
    async with make_stack() as stack:
        app = stack.http._transport.app  # type: ignore[attr-defined]
        server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **options))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "the server did not start"
            await asyncio.sleep(0.05)
        try:
            yield int(options["port"])
        finally:
            server.should_exit = True
            await serving


async def _trickle(writer: asyncio.StreamWriter, chunk: bytes) -> None:
    """Send `chunk` every half second, for as long as the server keeps the connection."""
    with contextlib.suppress(ConnectionError, OSError):
        while not writer.is_closing():
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.5)


async def _cut_off(port: int, opening: bytes, chunk: bytes) -> bytes:
    """Open a connection, send `opening`, then trickle; what the server said before hanging up."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(opening)
    trickling = asyncio.create_task(_trickle(writer, chunk))
    try:
        async with asyncio.timeout(GIVE_UP_S):
            answer = await reader.read()  # until the server closes the connection
    except ConnectionResetError:
        answer = b""  # closed on bytes it had not read: cut off all the same
    finally:
        trickling.cancel()
        writer.close()
    return answer


async def test_clients_sending_headers_slowly_are_cut_off(api_port: int) -> None:
    opening = b"GET /healthz HTTP/1.1\r\nHost: api\r\n"
    answers = await asyncio.gather(
        *(_cut_off(api_port, opening, b"X-Slow: 1\r\n") for _ in range(SLOW_CLIENTS))
    )
    # Nothing was answered (the request never arrived whole), and every connection is gone.
    assert all(not a or a.startswith(b"HTTP/1.1 408") for a in answers), answers[0]
    # An ordinary client is served meanwhile and after.
    reader, writer = await asyncio.open_connection("127.0.0.1", api_port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n")
    assert (await reader.read()).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_clients_sending_a_body_slowly_are_cut_off_with_408(api_port: int) -> None:
    opening = (
        b"POST /v1/claims HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer dev-submitter-key\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n{"
    )
    answers = await asyncio.gather(
        *(_cut_off(api_port, opening, b" ") for _ in range(SLOW_CLIENTS))
    )
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers), answers[0]
