"""Benchmark: one principal's noisy webhooks against another's latency, and the cost of idling.

Runs `claims dev` (as the tests start it) with a bench-owned SMTP sink and two receivers, then:
- idle cost: the whole stack's CPU (every process of its group, from /proc) over `--idle-s`
  seconds with no subscriptions, and again with `--idle-subscriptions` (200) idle ones;
- fairness: principals X and Y each file `--claims` claims at the same pace, Y with one
  subscription at a healthy receiver and X with none, and Y's webhook and claimant e-mail
  latencies are measured (p50, p95: `delivered_at - created_at` and `sent_at - created_at`,
  both from Postgres' clock); then X makes `--noisy` (100) subscriptions at a receiver that
  never answers, both file as many claims again, and Y's latencies are measured again. Both
  phases carry the same claims, so the one difference between them is X's failing receivers;
- the stack's log volume while X's receivers fail.
Each figure is printed beside its target as a ratio.

    make bench-outbox     # or: .venv/bin/python -m bench.outbox_fairness
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.claims_throughput import ADMIN, concurrently, percentile
from devstack.mail import MailSink
from devstack.processes import free_port
from tools import samples as f
from tools.dev_stack import DevStackProcess, dev_stack
from tools.webhook_receiver import WebhookReceiver

X_TOKEN = "noisy-principal-x-key-0123456789"  # noqa: S105 - a bench key, dev stack only
Y_TOKEN = "quiet-principal-y-key-0123456789"  # noqa: S105 - a bench key, dev stack only
X = {"Authorization": f"Bearer {X_TOKEN}"}
Y = {"Authorization": f"Bearer {Y_TOKEN}"}
KEYS = (
    f"dev-admin-key:admin:dev-admin,{X_TOKEN}:submitter:principal-x,{Y_TOKEN}:submitter:principal-y"
)
EVENTS = ["claim.submitted", "claim.assessed", "claim.approved", "claim.paid"]
FAIRNESS_TARGET = 2.0  # Y's p95 with X's noise, at most this many times its p95 without
IDLE_TARGET_CORES = 0.05  # idle subscriptions may cost at most 5% of a core


def log_bytes_of(stack: DevStackProcess) -> int:
    """What the stack's processes have logged so far (claims dev keeps a file per process)."""
    logs = [stack.output_path, *(stack.data_dir / "logs").glob("*.log")]
    return sum(path.stat().st_size for path in logs if path.exists())


def stack_cpu_s(stack: DevStackProcess) -> float:
    """CPU seconds (user + system) used so far by every live process of the stack."""
    total = 0.0
    for pid in stack.group_alive():
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


async def idle_cores(stack: DevStackProcess, seconds: float) -> float:
    await asyncio.sleep(2)  # let what the last step started settle
    before, began = stack_cpu_s(stack), time.monotonic()
    await asyncio.sleep(seconds)
    return (stack_cpu_s(stack) - before) / (time.monotonic() - began)


async def subscribe(http: httpx.AsyncClient, headers: dict[str, str], url: str) -> str:
    answered = await http.post("/v1/webhooks", headers=headers, json={"url": url, "events": EVENTS})
    answered.raise_for_status()
    subscription_id: str = answered.json()["id"]
    return subscription_id


async def submit_claims(
    http: httpx.AsyncClient, number: str, headers: dict[str, str], count: int
) -> list[str]:
    ids: list[str] = []

    async def one(_: int) -> None:
        body = f.submission_json(number)
        answered = await http.post(
            "/v1/claims", headers=headers | {"Idempotency-Key": uuid.uuid4().hex}, json=body
        )
        answered.raise_for_status()
        ids.append(answered.json()["claim_id"])
        await asyncio.sleep(0.25)  # a client's pace, not a load test

    await concurrently(count, 2, one)
    return ids


async def both_file(http: httpx.AsyncClient, number: str, count: int) -> list[str]:
    """X and Y file `count` claims each, interleaved; Y's claim ids (X's claims are load)."""
    _, mine = await asyncio.gather(
        submit_claims(http, number, X, count), submit_claims(http, number, Y, count)
    )
    return mine


async def latencies(
    engine: AsyncEngine, subscription_id: str, claim_ids: list[str], timeout_s: float
) -> tuple[list[float], list[float], int]:
    """Y's webhook and e-mail latencies once all are out (or the timeout: count left behind)."""
    ids = [uuid.UUID(c) for c in claim_ids]
    webhook_sql = sa.text(
        "SELECT extract(epoch FROM delivered_at - created_at) FROM webhook_delivery "
        "WHERE subscription_id = :s AND claim_id = ANY(:ids)"
    )
    mail_sql = sa.text(
        "SELECT extract(epoch FROM sent_at - created_at) FROM notification "
        "WHERE claim_id = ANY(:ids) AND kind <> 'claim_needs_attention'"
    )
    deadline = time.monotonic() + timeout_s
    while True:
        async with engine.connect() as conn:
            hooks = [
                r[0] for r in await conn.execute(webhook_sql, {"s": subscription_id, "ids": ids})
            ]
            mail = [r[0] for r in await conn.execute(mail_sql, {"ids": ids})]
        waiting = sum(1 for v in [*hooks, *mail] if v is None)
        expected_hooks = len(ids) * len(EVENTS)
        if (len(hooks) >= expected_hooks and waiting == 0) or time.monotonic() > deadline:
            left = waiting + max(0, expected_hooks - len(hooks))
            done = [float(v) for v in hooks if v is not None]
            return done, [float(v) for v in mail if v is not None], left
        await asyncio.sleep(0.5)


async def wait_paid(http: httpx.AsyncClient, claim_ids: list[str], timeout_s: float) -> None:
    async with asyncio.timeout(timeout_s):
        for claim_id in claim_ids:
            while True:
                claim = (await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
                if claim["status"] == "paid":
                    break
                if claim["status"] in ("rejected", "cancelled", "needs_attention"):
                    raise SystemExit(f"bench: claim {claim_id} ended {claim['status']}, not paid")
                await asyncio.sleep(0.3)


def summary(name: str, samples: list[float]) -> str:
    if not samples:
        return f"{name:<22} no samples"
    return (
        f"{name:<22} n={len(samples):<4} p50 {percentile(samples, 50):7.3f} s   "
        f"p95 {percentile(samples, 95):7.3f} s"
    )


async def run(args: argparse.Namespace) -> int:
    sink = MailSink(port=free_port())
    quiet, noisy = WebhookReceiver(), WebhookReceiver(default="hang", hang_s=3600)
    sink.start()
    await quiet.start()
    await noisy.start()
    env = {
        "CLAIMS_API_KEYS": KEYS,
        "CLAIMS_SMTP_HOST": "127.0.0.1",
        "CLAIMS_SMTP_PORT": str(sink.port),
        # X holds more subscriptions than a submitter's default quota allows (the scenario).
        "CLAIMS_WEBHOOK_MAX_PER_SUBMITTER": "1000",
    }
    try:
        with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
            async with dev_stack(Path(tmp) / "data", **env) as stack:
                return await measure(args, stack, quiet, noisy)
    finally:
        sink.stop()
        await quiet.stop()
        await noisy.stop()


async def measure(
    args: argparse.Namespace,
    stack: DevStackProcess,
    quiet: WebhookReceiver,
    noisy: WebhookReceiver,
) -> int:
    engine = create_async_engine(stack.database_url)
    async with stack.http() as http:
        policy = f.policy()
        (
            await http.post("/v1/policies", headers=ADMIN, json=policy.model_dump(mode="json"))
        ).raise_for_status()
        number = policy.policy_number

        print(f"idle cost: stack CPU over {args.idle_s:g} s, no subscriptions ...", flush=True)
        none = await idle_cores(stack, args.idle_s)
        made = [
            await subscribe(http, X, noisy.url_for(f"idle{n}"))
            for n in range(args.idle_subscriptions)
        ]
        print(f"idle cost: ... and with {len(made)} idle subscriptions", flush=True)
        some = await idle_cores(stack, args.idle_s)
        for subscription_id in made:
            (await http.delete(f"/v1/webhooks/{subscription_id}", headers=X)).raise_for_status()

        mine = await subscribe(http, Y, quiet.url)
        print(f"fairness: X (no subscriptions) and Y file {args.claims} claims each ...")
        quiet_ids = await both_file(http, number, args.claims)
        await wait_paid(http, quiet_ids, 300)
        quiet_hooks, quiet_mail, quiet_left = await latencies(engine, mine, quiet_ids, 300)

        for n in range(args.noisy):
            await subscribe(http, X, noisy.url_for(f"hang{n}"))
        print(f"fairness: X adds {args.noisy} hanging subscriptions; both file claims again ...")
        log_before = log_bytes_of(stack)
        began = time.monotonic()
        noisy_ids = await both_file(http, number, args.claims)
        await wait_paid(http, noisy_ids, 300)
        noisy_hooks, noisy_mail, noisy_left = await latencies(engine, mine, noisy_ids, 300)
        log_bytes = log_bytes_of(stack) - log_before
        noisy_s = time.monotonic() - began
    await engine.dispose()
    return report(
        args,
        Figures(
            quiet_hooks, noisy_hooks, quiet_mail, noisy_mail, quiet_left + noisy_left, none, some
        ),
        log_bytes,
        noisy_s,
    )


@dataclass(frozen=True)
class Figures:
    quiet_hooks: list[float]
    noisy_hooks: list[float]
    quiet_mail: list[float]
    noisy_mail: list[float]
    undelivered: int
    idle_none: float
    idle_some: float


def report(args: argparse.Namespace, fig: Figures, log_bytes: int, noisy_s: float) -> int:
    print("\nY's latencies (created -> delivered, from Postgres' clock)")
    print(summary("webhook, X quiet", fig.quiet_hooks))
    print(summary("webhook, X noisy", fig.noisy_hooks))
    print(summary("e-mail, X quiet", fig.quiet_mail))
    print(summary("e-mail, X noisy", fig.noisy_mail))
    ok = fig.undelivered == 0
    if not ok:
        print(f"NOT DELIVERED within 300 s: {fig.undelivered}")
    rows = [
        ("webhook p95", fig.quiet_hooks, fig.noisy_hooks),
        ("e-mail p95", fig.quiet_mail, fig.noisy_mail),
    ]
    print(f"\n{'figure':<40} {'value':>10} {'target':>10} {'ratio':>8}")
    for name, quiet, loud in rows:
        if not quiet or not loud:
            ok = False
            continue
        ratio = percentile(loud, 95) / percentile(quiet, 95)
        ok = ok and ratio <= FAIRNESS_TARGET
        label = f"Y {name}, X noisy / quiet"
        print(
            f"{label:<40} {ratio:>9.2f}x {FAIRNESS_TARGET:>9.1f}x {ratio / FAIRNESS_TARGET:>8.2f}"
        )
    extra = fig.idle_some - fig.idle_none
    ok = ok and extra <= IDLE_TARGET_CORES
    print(f"{'stack CPU idle, no subscriptions (cores)':<40} {fig.idle_none:>10.3f}")
    label = f"stack CPU idle, {args.idle_subscriptions} subscriptions"
    print(f"{label:<40} {fig.idle_some:>10.3f}")
    print(
        f"{'difference (cores)':<40} {extra:>10.3f} {IDLE_TARGET_CORES:>10.2f} "
        f"{extra / IDLE_TARGET_CORES:>8.2f}"
    )
    label = "stack log while X fails (bytes/s)"
    print(f"{label:<40} {log_bytes / noisy_s:>10.0f}   ({log_bytes} B in {noisy_s:.0f} s)")
    print("\nall targets met" if ok else "\nTARGETS MISSED")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=20, help="claims per principal per phase")
    parser.add_argument("--noisy", type=int, default=100, help="X's hanging subscriptions")
    parser.add_argument("--idle-subscriptions", type=int, default=200)
    parser.add_argument("--idle-s", type=float, default=30.0)
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
