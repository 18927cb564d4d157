"""Reaching a real cluster: every process on mutual TLS, configured as the `temporal` CLI is.

The API, both workers and `claims healthcheck` get only `TEMPORAL_ADDRESS`,
`TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_CLIENT_CERT_PATH`/`_KEY_PATH` and
`TEMPORAL_TLS_SERVER_NAME`, pointing at a TLS-terminating proxy in front of the dev server
(certificates made in the test). The dev server's own plaintext port is in nobody's environment.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import TLSConfig

from devstack.processes import free_port
from tests.support.api import ADMIN, SUBMITTER
from tests.support.stack import stack_settings
from tests.support.tls import SERVER_NAME, TlsProxy, make_pki, tls_environment
from tools import samples as f
from tools.processes import api_process, stop, until_up, worker_process
from tools.waiting import wait_for


def healthcheck(health_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`claims healthcheck` as a worker container runs it (nothing on the API port)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "TEMPORAL_"))}
    env |= {
        "CLAIMS_API_PORT": str(free_port()),
        "CLAIMS_WORKER_HEALTH_FILE": str(health_file),
        "CLAIMS_WORKER_HEALTH_INTERVAL_S": "0.5",
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", "healthcheck", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


async def paid(http: httpx.AsyncClient, claim_id: str) -> dict[str, Any]:
    """The claim once its payment is recorded (its `paid` event, not only its status)."""

    async def read() -> dict[str, Any]:
        claim: dict[str, Any] = (await http.get(f"/v1/claims/{claim_id}", headers=SUBMITTER)).json()
        return claim

    return await wait_for(
        read,
        lambda claim: "paid" in [event["type"] for event in claim.get("events", ())],
        what=f"claim {claim_id} paid",
        timeout_s=120,
        every_s=0.3,
    )


async def test_a_claim_is_paid_with_every_process_on_mutual_tls(
    client: Client, database_url: str, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki")
    proxy = TlsProxy(pki, upstream=client.service_client.config.target_host)
    await proxy.start()
    temporal = tls_environment(pki, proxy.address)
    settings = stack_settings(database_url)
    queues = {"task_queue": settings.task_queue, "llm_task_queue": settings.llm_task_queue}
    health = tmp_path / "claims-worker.health"
    port = free_port()
    processes = [
        worker_process(
            "claims",
            client=client,
            log=tmp_path / "claims-worker.log",
            **temporal,
            database_url=database_url,
            worker_health_file=str(health),
            worker_health_interval_s="0.5",
            **queues,
        ),
        worker_process("llm", client=client, log=tmp_path / "llm-worker.log", **temporal, **queues),
        api_process(settings, client=client, port=port, log=tmp_path / "api.log", **temporal),
    ]
    try:
        base = f"http://127.0.0.1:{port}"
        await until_up(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            policy = f.policy()
            created = await http.post(
                "/v1/policies", json=policy.model_dump(mode="json"), headers=ADMIN
            )
            assert created.status_code == 201, created.text
            submitted = await http.post(
                "/v1/claims", json=f.submission_json(policy.policy_number), headers=SUBMITTER
            )
            assert submitted.status_code == 202, submitted.text
            claim = await paid(http, submitted.json()["claim_id"])
        events = [e["type"] for e in claim["events"]]
        assert claim["status"] == "paid"
        # Three processes, each on its own mutually authenticated TLS connection(s).
        assert proxy.handshakes >= 3
        assert proxy.client_subjects == {"claims-worker"}
        # The worker's heartbeat asks Temporal (through the proxy) every 0.5 s; on a loaded
        # machine one answer can come late and one reading be stale, so read until healthy.
        # In a thread: the proxy relaying the worker's health check runs on this loop.
        ready = await wait_for(
            lambda: asyncio.to_thread(healthcheck, health),
            lambda done: done.returncode == 0,
            what="the worker's healthcheck to pass",
            timeout_s=30,
            every_s=0.5,
        )
        assert "connected to Temporal" in ready.stdout
        print(
            f"\nTLS round trip: claim {claim['claim_id']} paid through {proxy.address} "
            f"(server name {SERVER_NAME}); {proxy.handshakes} mTLS handshakes, client "
            f"certificates {sorted(proxy.client_subjects)}; events {events}"
        )

        # The cluster goes away: the worker turns unready, but stays live (no restart storm).
        await proxy.stop()
        unready = await wait_for(
            lambda: asyncio.to_thread(healthcheck, health),
            lambda done: done.returncode != 0,
            what="the worker's healthcheck to fail",
            timeout_s=30,
            every_s=0.5,
        )
        assert "Temporal has not answered the worker" in unready.stderr
        assert healthcheck(health, "--live").returncode == 0
        print(f"after the proxy stopped: {unready.stderr.strip()}; --live still healthy")
    finally:
        stop(*processes)
        await proxy.stop()


async def test_without_a_client_certificate_the_cluster_refuses_the_connection(
    client: Client, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki")
    proxy = TlsProxy(pki, upstream=client.service_client.config.target_host)
    await proxy.start()
    try:
        with pytest.raises(RuntimeError):
            await Client.connect(
                proxy.address,
                tls=TLSConfig(server_root_ca_cert=pki.ca.read_bytes(), domain=SERVER_NAME),
            )
        connected = await Client.connect(
            proxy.address,
            tls=TLSConfig(
                server_root_ca_cert=pki.ca.read_bytes(),
                domain=SERVER_NAME,
                client_cert=pki.client_cert.read_bytes(),
                client_private_key=pki.client_key.read_bytes(),
            ),
        )
        assert await connected.service_client.check_health()
    finally:
        await proxy.stop()
