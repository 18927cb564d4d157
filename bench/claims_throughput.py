"""Benchmark: auto-approved claims through REST against a bare Temporal ceiling, in one run.

Runs `claims dev` (embedded Temporal dev server and Postgres, both workers, the API, the offline
model; started as the tests start it, tools/dev_stack.py) on a temporary data directory,
then measures on that same server:
- the ceiling: workflows of one regular activity (a no-op on a second task queue, worker in
  this process), started by `--clients` concurrent clients, end to end; and the raw
  `start_workflow` latency at that concurrency;
- the shape: as many no-op workflows with an auto-approved claim's history (bench/workflow.py's
  ClaimShaped: its local activities, activities and upserts, none doing anything), so that a
  claim's cost splits into what its shape costs the SDK and server and what our code adds;
- claims: `--claims` auto-approvable claims POSTed by `--clients` concurrent clients, end to end
  until every one is paid, and the POST latency, with no other load (as the ceiling);
- reads: a second batch of `--claims` claims under the same load, read meanwhile by `--readers`
  clients: GET latency for claims in flight and for finished ones.
With `--parked N`, instead of the claims and reads: N claims parked in review (the claims
worker's RSS sampled meanwhile), then all approved through REST by 20 clients: approvals/s
against the ceiling, and the review latency.
Each figure is printed beside its target as a ratio.

    make bench-claims     # or: .venv/bin/python -m bench.claims_throughput --claims 300
    make bench-parked     # or: .venv/bin/python -m bench.claims_throughput --parked 2000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from temporalio.client import Client
from temporalio.worker import Worker

from bench.cpu import CpuMeter, spent_between
from bench.workflow import BareOneActivity, ClaimShaped, noop, noop_local
from devstack.keys import dev_key_ring
from devstack.readiness import queue_has_poller
from infra.encryption import data_converter, parse_key_ring
from tools import samples as f
from tools.dev_stack import DevStackProcess, dev_stack
from tools.processes import stop, worker_process

ADMIN = {"Authorization": "Bearer dev-admin-key"}
SUBMITTER = {"Authorization": "Bearer dev-submitter-key"}
ADJUSTER = {"Authorization": "Bearer dev-adjuster-key"}
TERMINAL = {"paid", "rejected", "cancelled", "failed"}
REVIEWERS = 20  # adjusters approving parked claims at once


def percentile(samples: list[float], q: int) -> float:
    """The q-th percentile (1..99) of the samples."""
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


async def concurrently(count: int, clients: int, job: Callable[[int], Awaitable[None]]) -> None:
    """Run job(0..count-1) from `clients` concurrent workers."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)

    async def client() -> None:
        while not queue.empty():
            await job(queue.get_nowait())

    await asyncio.gather(*(client() for _ in range(clients)))


async def bare_ceiling(
    client: Client,
    count: int,
    clients: int,
    meter: CpuMeter | None = None,
    *,
    shaped: bool = False,
) -> tuple[float, list[float], dict[str, float]]:
    """Workflows/s end to end, start_workflow latencies, CPU: of one no-op regular activity, or
    with `shaped` of a no-op workflow with an auto-approved claim's commands (ClaimShaped)."""
    queue = f"bench-{'shaped' if shaped else 'bare'}-{uuid.uuid4().hex[:8]}"
    run = ClaimShaped.run if shaped else BareOneActivity.run
    starts: list[float] = []
    async with Worker(
        client,
        task_queue=queue,
        workflows=[ClaimShaped if shaped else BareOneActivity],
        activities=[noop, noop_local],
    ):
        handles = []

        async def start(i: int) -> None:
            began = time.monotonic()
            handles.append(await client.start_workflow(run, i, id=f"{queue}-{i}", task_queue=queue))
            starts.append(time.monotonic() - began)

        cpu_before = meter.snapshot() if meter else {}
        began = time.monotonic()
        await concurrently(count, clients, start)
        await asyncio.gather(*(h.result() for h in handles))
        elapsed = time.monotonic() - began
        cpu = spent_between(cpu_before, meter.snapshot()) if meter else {}
    return count / elapsed, starts, cpu


@dataclass
class ClaimRun:
    posts: list[float] = field(default_factory=list)
    get_in_flight: list[float] = field(default_factory=list)
    get_finished: list[float] = field(default_factory=list)
    rate: float = 0.0
    # CPU seconds per process over the timed batch (claims only, nothing else running).
    cpu: dict[str, float] = field(default_factory=dict)


async def read_in_flight(
    http: httpx.AsyncClient, in_flight: set[str], samples: list[float], done: asyncio.Event
) -> None:
    """GET claims still in flight (a claim read as finished leaves the set, unsampled)."""
    while not done.is_set():
        if not in_flight:
            await asyncio.sleep(0.01)
            continue
        claim_id = random.choice(list(in_flight))
        began = time.monotonic()
        answered = await http.get(f"/v1/claims/{claim_id}", headers=ADJUSTER)
        took = time.monotonic() - began
        if answered.json()["status"] in TERMINAL:
            in_flight.discard(claim_id)
        else:
            samples.append(took)


async def read_finished(
    http: httpx.AsyncClient, claim_ids: list[str], samples: list[float], done: asyncio.Event
) -> None:
    while not done.is_set():
        began = time.monotonic()
        answered = await http.get(f"/v1/claims/{random.choice(claim_ids)}", headers=ADJUSTER)
        answered.raise_for_status()
        samples.append(time.monotonic() - began)


async def claims_run(
    stack: DevStackProcess,
    client: Client,
    count: int,
    clients: int,
    readers: int,
    *,
    meter: CpuMeter | None = None,
) -> ClaimRun:
    """Claims end to end, with GETs of in-flight and of finished claims under the same load."""
    run = ClaimRun()
    async with httpx.AsyncClient(base_url=stack.api, timeout=60) as http:
        policy = f.policy()
        body = policy.model_dump(mode="json")
        (await http.post("/v1/policies", json=body, headers=ADMIN)).raise_for_status()

        async def submit() -> dict[str, str]:
            claim = f.submission_json(policy.policy_number, amount="1250.00")
            key = {"Idempotency-Key": str(uuid.uuid4())}
            answered = await http.post("/v1/claims", json=claim, headers=SUBMITTER | key)
            answered.raise_for_status()
            submitted: dict[str, str] = answered.json()
            return submitted

        async def paid(workflow_id: str) -> None:
            await client.get_workflow_handle(workflow_id).result()

        # Finished claims to read while the timed claims run.
        finished = [await submit() for _ in range(readers)]
        await asyncio.gather(*(paid(c["workflow_id"]) for c in finished))

        # Throughput and POST latency first, with nothing else asking the API: the ceiling
        # and the raw start_workflow latency it is compared with are measured the same way.
        workflow_ids: list[str] = []

        async def post(_: int) -> None:
            began = time.monotonic()
            submitted = await submit()
            run.posts.append(time.monotonic() - began)
            workflow_ids.append(submitted["workflow_id"])

        cpu_before = meter.snapshot() if meter else {}
        began = time.monotonic()
        await concurrently(count, clients, post)
        await asyncio.gather(*(paid(w) for w in workflow_ids))
        run.rate = count / (time.monotonic() - began)
        run.cpu = spent_between(cpu_before, meter.snapshot()) if meter else {}

        # Then reads: a second batch of claims in flight under the same load, read by
        # `readers` clients (half of them reading these, half reading finished claims).
        print(f"reads: {count} more claims, {clients} clients, {readers} readers ...", flush=True)
        in_flight: set[str] = set()
        second_batch: list[str] = []
        done = asyncio.Event()

        async def post_to_read(_: int) -> None:
            submitted = await submit()
            in_flight.add(submitted["claim_id"])
            second_batch.append(submitted["workflow_id"])

        half = max(1, readers // 2)
        reading = asyncio.gather(
            *(read_in_flight(http, in_flight, run.get_in_flight, done) for _ in range(half)),
            *(
                read_finished(http, [c["claim_id"] for c in finished], run.get_finished, done)
                for _ in range(readers - half)
            ),
        )
        await concurrently(count, clients, post_to_read)
        await asyncio.gather(*(paid(w) for w in second_batch))
        done.set()
        await reading
    return run


@dataclass
class ParkedRun:
    count: int = 0
    park_rate: float = 0.0
    worker_rss_mb: list[float] = field(default_factory=list)
    reviews: list[float] = field(default_factory=list)
    rate: float = 0.0


def claims_worker_process(stack: DevStackProcess) -> psutil.Process:
    """The `claims worker --queue claims` child of the stack's `claims dev`."""
    assert stack.process is not None
    for child in psutil.Process(stack.process.pid).children(recursive=True):
        command = " ".join(child.cmdline())
        if "worker" in command and "--queue claims" in command:
            return child
    raise RuntimeError("the stack has no claims worker")


async def sample_rss(worker: psutil.Process, samples: list[float], done: asyncio.Event) -> None:
    while not done.is_set():
        samples.append(worker.memory_info().rss / 2**20)
        await asyncio.sleep(0.5)


async def count_in(client: Client, policy_number: str, status: str) -> int:
    query = f"PolicyNumber = '{policy_number}' AND ClaimStatus = '{status}'"
    return (await client.count_workflows(query)).count


async def until_counted(client: Client, policy_number: str, status: str, count: int) -> None:
    while await count_in(client, policy_number, status) < count:
        await asyncio.sleep(1)


async def parked_run(stack: DevStackProcess, client: Client, count: int, clients: int) -> ParkedRun:
    """`count` claims parked in review, the claims worker's memory meanwhile; then approved."""
    run = ParkedRun(count=count)
    worker = claims_worker_process(stack)
    done = asyncio.Event()
    sampling = asyncio.create_task(sample_rss(worker, run.worker_rss_mb, done))
    async with httpx.AsyncClient(base_url=stack.api, timeout=60) as http:
        policy = f.policy()
        body = policy.model_dump(mode="json")
        (await http.post("/v1/policies", json=body, headers=ADMIN)).raise_for_status()
        claim_ids: list[str] = []

        async def park(_: int) -> None:
            # A red-flag description always goes to an adjuster (claims/routing.py).
            claim = f.submission_json(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
            answered = await http.post("/v1/claims", json=claim, headers=SUBMITTER)
            answered.raise_for_status()
            claim_ids.append(answered.json()["claim_id"])

        began = time.monotonic()
        await concurrently(count, clients, park)
        await until_counted(client, policy.policy_number, "awaiting_review", count)
        run.park_rate = count / (time.monotonic() - began)
        print(f"parked: {count} claims awaiting review; approving ...", flush=True)

        async def approve(i: int) -> None:
            started = time.monotonic()
            answered = await http.post(
                f"/v1/claims/{claim_ids[i]}/review", json={"decision": "approve"}, headers=ADJUSTER
            )
            answered.raise_for_status()
            run.reviews.append(time.monotonic() - started)

        began = time.monotonic()
        await concurrently(count, REVIEWERS, approve)
        await until_counted(client, policy.policy_number, "paid", count)
        run.rate = count / (time.monotonic() - began)
    done.set()
    await sampling
    return run


def report_parked(run: ParkedRun, ceiling: float) -> None:
    peak = max(run.worker_rss_mb)
    review99 = percentile(run.reviews, 99)
    rows = [
        (f"claims worker RSS, {run.count} parked (peak)", f"{peak:.0f} MB", "250 MB",
         peak / 250, "<= 1"),
        (f"approvals/s through REST, {REVIEWERS} clients", f"{run.rate:.2f}", f"{ceiling:.2f}",
         run.rate / ceiling, ">= 0.5"),
        ("review p99 vs 1 s", ms(review99), "1000 ms", review99, "<= 1"),
    ]  # fmt: skip
    print(f"\n{'figure':44} {'value':>10} {'baseline':>10} {'ratio':>6}  target")
    for name, value, baseline, ratio, target in rows:
        print(f"{name:44} {value:>10} {baseline:>10} {ratio:6.2f}  {target}")
    print(f"\nparked at {run.park_rate:.2f} claims/s; review p50 {ms(percentile(run.reviews, 50))}")


@asynccontextmanager
async def extra_claims_workers(
    stack: DevStackProcess, client: Client, count: int, logs: Path
) -> AsyncIterator[None]:
    """`count` more `claims worker --queue claims` processes on the stack, polling before use."""
    workers = [
        worker_process(
            "claims",
            client=client,
            log=logs / f"extra-claims-worker-{i}.log",
            database_url=stack.database_url,
            encryption_keys=dev_key_ring(stack.data_dir),
        )
        for i in range(count)
    ]
    try:
        async with asyncio.timeout(60):
            for worker in workers:
                while not await queue_has_poller(client, "claims", worker.pid, workflows=True):
                    await asyncio.sleep(0.2)
        yield
    finally:
        stop(*workers)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="claims-bench-") as tmp:
        print(f"starting claims dev on a temporary data dir ({tmp}) ...", flush=True)
        env = {"CLAIMS_WORKFLOW_CACHE_SIZE": str(args.cache_size)} if args.cache_size else {}
        if args.shadow:
            # Every claim also assessed by these candidates (workflows/shadow.py): what it costs.
            env["CLAIMS_LLM_SHADOW_MODELS"] = ",".join(args.shadow)
            # The fake provider's models have no price: a nominal one keeps them in budget.
            env["CLAIMS_LLM_SHADOW_PRICES"] = ",".join(
                f"{m.split('@')[0]}=0.00001" for m in args.shadow
            )
        async with dev_stack(Path(tmp) / "data", **env) as stack:
            ring = parse_key_ring(dev_key_ring(stack.data_dir))
            converter = data_converter(ring)
            client = await Client.connect(stack.temporal_target, data_converter=converter)
            print(
                f"ceiling: {args.claims} bare one-activity workflows, {args.clients} clients ...",
                flush=True,
            )
            assert stack.process is not None
            meter = CpuMeter(stack.process.pid)
            ceiling, starts, bare_cpu = await bare_ceiling(client, args.claims, args.clients, meter)
            if args.parked:
                print(f"parking: {args.parked} claims routed to review ...", flush=True)
                parked = await parked_run(stack, client, args.parked, args.clients)
                await stack.stop()
                report_parked(parked, ceiling)
                return
            print(
                f"shape: {args.claims} no-op workflows shaped like a claim, {args.clients} "
                "clients ...",
                flush=True,
            )
            shaped_rate, _, shaped_cpu = await bare_ceiling(
                client, args.claims, args.clients, meter, shaped=True
            )
            print(
                f"claims: {args.claims} auto-approved claims through REST, {args.clients} "
                f"clients, {args.claims_workers} claims worker process(es) ...",
                flush=True,
            )
            async with extra_claims_workers(stack, client, args.claims_workers - 1, Path(tmp)):
                run = await claims_run(
                    stack, client, args.claims, args.clients, args.readers, meter=meter
                )
            await stack.stop()
    report(run, ceiling, starts)
    report_cpu(run, Baselines(ceiling, bare_cpu, shaped_rate, shaped_cpu), args.claims)


def report(run: ClaimRun, ceiling: float, starts: list[float]) -> None:
    post99, start99 = percentile(run.posts, 99), percentile(starts, 99)
    inflight99, finished99 = percentile(run.get_in_flight, 99), percentile(run.get_finished, 99)
    rows = [
        ("claims/s end to end (paid) vs bare ceiling", f"{run.rate:.2f}", f"{ceiling:.2f}",
         run.rate / ceiling, ">= 0.5"),
        ("POST p99 vs raw start_workflow p99", ms(post99), ms(start99), post99 / start99,
         "<= 1.5"),
        ("GET p99 in flight vs finished (same load)", ms(inflight99), ms(finished99),
         inflight99 / finished99, "<= 2"),
    ]  # fmt: skip
    print(f"\n{'figure':44} {'value':>10} {'baseline':>10} {'ratio':>6}  target")
    for name, value, baseline, ratio, target in rows:
        print(f"{name:44} {value:>10} {baseline:>10} {ratio:6.2f}  {target}")
    print()
    for name, samples in (
        ("POST", run.posts),
        ("start_workflow", starts),
        ("GET in flight", run.get_in_flight),
        ("GET finished", run.get_finished),
    ):
        p50, p99 = ms(percentile(samples, 50)), ms(percentile(samples, 99))
        print(f"{name:15} p50 {p50:>8}  p99 {p99:>8}  ({len(samples)} requests)")


@dataclass(frozen=True)
class Baselines:
    """The same run's bare ceiling and claim-shaped no-op: rates and CPU seconds per process."""

    bare_rate: float
    bare_cpu: dict[str, float]
    shaped_rate: float
    shaped_cpu: dict[str, float]


def report_cpu(run: ClaimRun, base: Baselines, count: int) -> None:
    """CPU per claim for each process, against CPU per bare and per claim-shaped workflow.

    The shaped workflow has a claim's history with nothing behind its activities: claim ÷
    shaped is what our code costs on top of the shape, shaped ÷ bare what the shape costs.
    """

    def per_unit(cpu: dict[str, float]) -> dict[str, float]:
        return {role: seconds / count * 1000 for role, seconds in cpu.items()}

    claim, bare, shaped = per_unit(run.cpu), per_unit(base.bare_cpu), per_unit(base.shaped_cpu)
    # The bench process is the baselines' worker (and client); during the claims it only polls.
    stack_claim = sum(v for k, v in claim.items() if k != "bench process")

    def stack(cpu: dict[str, float]) -> float:
        return cpu["temporal server"] + cpu["bench process"]

    print(f"\nCPU ms per unit of work ({count} each):")
    print(f"{'process':18} {'per claim':>10} {'per shaped wf':>14} {'per bare wf':>12}")
    for role in ("api", "claims worker", "llm worker", "postgres", "temporal server"):
        if role == "temporal server":
            print(f"{role:18} {claim[role]:>10.1f} {shaped[role]:>14.1f} {bare[role]:>12.1f}")
        else:
            print(f"{role:18} {claim[role]:>10.1f} {'-':>14} {'-':>12}")
    print(f"{'bench worker':18} {'-':>10} {shaped['bench process']:>14.1f} "
          f"{bare['bench process']:>12.1f}")  # fmt: skip
    print(f"{'whole stack':18} {stack_claim:>10.1f} {stack(shaped):>14.1f} {stack(bare):>12.1f}")
    worker = "claims worker"
    rows = [
        ("claims worker per claim / bare worker per wf", claim[worker], bare["bench process"]),
        ("server per claim / server per bare wf", claim["temporal server"],
         bare["temporal server"]),
        ("whole stack per claim / bare per wf", stack_claim, stack(bare)),
        ("shaped worker per wf / bare worker per wf", shaped["bench process"],
         bare["bench process"]),
        ("server per shaped wf / server per bare wf", shaped["temporal server"],
         bare["temporal server"]),
        ("claims worker per claim / shaped worker per wf", claim[worker],
         shaped["bench process"]),
        ("server per claim / server per shaped wf", claim["temporal server"],
         shaped["temporal server"]),
        ("whole stack per claim / shaped per wf", stack_claim, stack(shaped)),
    ]  # fmt: skip
    for name, value, baseline in rows:
        print(f"{name:48} {value:7.1f} ms / {baseline:6.1f} ms = {value / baseline:5.2f}")
    print(
        f"\nshaped workflows/s {base.shaped_rate:.2f} vs bare {base.bare_rate:.2f} "
        f"({base.shaped_rate / base.bare_rate:.2f}); claims/s {run.rate:.2f} vs shaped "
        f"({run.rate / base.shaped_rate:.2f})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument(
        "--parked",
        type=int,
        default=0,
        metavar="N",
        help="instead of the claims run: park N claims in review, then approve them all",
    )
    parser.add_argument(
        "--claims-workers",
        type=int,
        default=1,
        metavar="N",
        help="claims worker processes for the claims run (the stack's own, plus N-1 more)",
    )
    parser.add_argument(
        "--cache-size",
        type=int,
        default=0,
        metavar="N",
        help="the claims worker's workflow cache (CLAIMS_WORKFLOW_CACHE_SIZE; default: its own)",
    )
    parser.add_argument(
        "--shadow",
        action="append",
        default=[],
        metavar="MODEL[@PROMPT]",
        help="a shadow candidate for every claim (CLAIMS_LLM_SHADOW_MODELS); repeat for more",
    )
    asyncio.run(main(parser.parse_args()))
