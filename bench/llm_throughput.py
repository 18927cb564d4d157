"""Benchmark: assessments per second one llm worker sustains against a model answering in 1 s.

Everything is real and separate: a Temporal dev server, our OpenAI-compatible fake model server
(its own process, answering after `--latency` seconds), and one `claims worker --queue llm`
process with CLAIMS_LLM_MAX_CONCURRENCY=`--concurrency`. This process only starts the
assessments and waits for them. The ceiling is `concurrency / latency`; the figure printed is
the sustained rate beside it, as a ratio.

    make bench            # or: .venv/bin/python -m bench.llm_throughput --claims 400
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import contracts as c
from bench.workflow import AssessmentBench, BenchInput
from claims.assessment import ClaimFacts
from devstack.processes import free_port
from devstack.readiness import queue_has_poller
from devstack.temporal import temporal_binary
from infra.encryption import data_converter, new_key_entry, parse_key_ring

FACTS = ClaimFacts(
    claim_type="auto",
    incident_date="2026-06-15",
    amount=Decimal("1250.00"),
    currency="USD",
    description="Rear-ended at a red light; bumper replaced at the dealer.",
    payable_amount=Decimal("750.00"),
)


async def _wait_http(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                await http.get(url)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def run(claims: int, concurrency: int, latency: float) -> None:
    logs = Path(tempfile.mkdtemp(prefix="claims-bench-"))
    # The bench's own ring, for the worker it starts and the client here alike.
    keys = new_key_entry("bench1")
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        data_converter=data_converter(parse_key_ring(keys)),
    )
    llm_port = free_port()
    queue = f"bench-llm-{uuid.uuid4().hex[:6]}"
    children: list[subprocess.Popen[bytes]] = []
    try:
        with (logs / "fake-llm.log").open("ab") as out:
            children.append(
                subprocess.Popen(  # noqa: S603 - our own module
                    [sys.executable, "-m", "tools.fake_llm", "--port", str(llm_port)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        await _wait_http(f"http://127.0.0.1:{llm_port}/docs")
        worker_env = dict(os.environ) | {
            "CLAIMS_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "CLAIMS_LLM_TASK_QUEUE": queue,
            "CLAIMS_LLM_MODEL": f"openai/slow-{latency}",
            "CLAIMS_LLM_API_BASE": f"http://127.0.0.1:{llm_port}/v1",
            "CLAIMS_LLM_API_KEY": "sk-bench",
            "CLAIMS_LLM_MAX_CONCURRENCY": str(concurrency),
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "CLAIMS_ENCRYPTION_KEYS": keys,
        }
        worker_env.pop("CLAIMS_DATABASE_URL", None)
        with (logs / "llm-worker.log").open("ab") as out:
            llm_worker = subprocess.Popen(
                [sys.executable, "-m", "cli", "worker", "--queue", "llm"],
                env=worker_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        children.append(llm_worker)
        while not await queue_has_poller(env.client, queue, llm_worker.pid, workflows=False):
            await asyncio.sleep(0.2)
        print(
            f"llm worker ready (pid {llm_worker.pid}); {claims} assessments, "
            f"max concurrency {concurrency}, model latency {latency:.2f} s",
            flush=True,
        )
        starter_queue = f"bench-wf-{uuid.uuid4().hex[:6]}"
        async with Worker(
            env.client,
            task_queue=starter_queue,
            workflows=[AssessmentBench],
            max_concurrent_workflow_tasks=200,
        ):
            started = time.monotonic()
            handles = await asyncio.gather(
                *(
                    env.client.start_workflow(
                        AssessmentBench.run,
                        BenchInput(
                            request=c.AssessmentInput(claim_id=uuid.uuid4(), facts=FACTS),
                            llm_task_queue=queue,
                        ),
                        id=f"bench-{uuid.uuid4()}",
                        task_queue=starter_queue,
                    )
                    for _ in range(claims)
                )
            )
            results = asyncio.as_completed([h.result() for h in handles])
            for done, result in enumerate(results, start=1):
                if not await result:
                    raise RuntimeError("an assessment came back without a valid answer")
                if done % max(1, claims // 5) == 0:
                    rate = done / (time.monotonic() - started)
                    print(f"  {done}/{claims} assessed, {rate:.1f}/s so far", flush=True)
            elapsed = time.monotonic() - started
        sustained = claims / elapsed
        ceiling = concurrency / latency
        print(
            f"RESULT llm worker sustained {sustained:.1f} assessments/s "
            f"(limit max_concurrency/latency = {concurrency}/{latency:.2f} s = {ceiling:.1f}/s); "
            f"ratio {sustained / ceiling:.2f} over {claims} assessments in {elapsed:.1f} s",
            flush=True,
        )
    finally:
        for child in children:
            child.terminate()
            child.wait(timeout=30)
        await env.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(run(args.claims, args.concurrency, args.latency))
    print(f"finished at {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")


if __name__ == "__main__":
    main()
