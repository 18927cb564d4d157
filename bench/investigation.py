"""Benchmark: what an investigated claim costs against a one-shot claim, in one run.

Two `claims dev` stacks in turn (the offline model; one as it ships, one with
CLAIMS_AGENT_ENABLED=true), each given the same `--claims` ordinary claims sent with a PDF
invoice, until every one is paid. For each: CPU seconds per claim by process (bench/cpu.py),
and the size of a claim's Temporal history (events and bytes, as the server stores them). The
investigated claim looks up earlier claims, reads the invoice (by reference: its text never
enters the history) and recommends, three model turns where the one-shot claim has one call.

    make bench-agent      # or: .venv/bin/python -m bench.investigation --claims 40
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import tempfile
import time
import uuid
import zlib
from pathlib import Path

import httpx
from temporalio.client import Client

from bench.cpu import CpuMeter, spent_between
from claims.models import Claimant
from devstack.keys import dev_key_ring
from evaluation.dataset.file_rows import pdf_with_content
from infra.encryption import data_converter, parse_key_ring
from tools import samples as f
from tools.dev_stack import dev_stack

ADMIN = {"Authorization": "Bearer dev-admin-key"}
SUBMITTER = {"Authorization": "Bearer dev-submitter-key"}
MODES = {"one-shot": {}, "investigated": {"CLAIMS_AGENT_ENABLED": "true"}}


def invoice(n: int) -> bytes:
    text = f"Invoice {n}: rear bumper replaced, 1250.00 USD paid by card."
    return pdf_with_content(zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()))


async def send(http: httpx.AsyncClient, number: str, n: int) -> str:
    # A claimant and a day of its own: no claim is another's duplicate.
    claim = f.submission_json(
        number,
        description=f"Rear bumper dented in car park {n}.",
        claimant=Claimant(name="Bench", email=f"bench-{uuid.uuid4().hex}@example.com"),
        incident_date=dt.date(2026, 3, 1) + dt.timedelta(days=n + 1),
    )
    sent = await http.post(
        "/v1/claims/with-documents",
        headers=SUBMITTER | {"Idempotency-Key": uuid.uuid4().hex},
        data={"claim": json.dumps(claim)},
        files=[("file", (f"invoice-{n}.pdf", invoice(n), "application/octet-stream"))],
    )
    sent.raise_for_status()
    return str(sent.json()["claim_id"])


async def until_paid(http: httpx.AsyncClient, ids: list[str], timeout_s: float = 600) -> None:
    waiting = set(ids)
    deadline = time.monotonic() + timeout_s
    while waiting:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(waiting)} claims not paid in {timeout_s:.0f} s")
        for claim_id in list(waiting):
            body = (await http.get(f"/v1/claims/{claim_id}", headers=ADMIN)).json()
            if body["status"] == "paid":
                waiting.discard(claim_id)
            elif body["status"] in {"awaiting_review", "rejected", "cancelled"}:
                reasons = (body.get("decision") or {}).get("reasons")
                raise RuntimeError(f"claim {claim_id} is {body['status']} ({reasons}), not paid")
        await asyncio.sleep(0.5)


async def history_size(client: Client, claim_id: str) -> tuple[int, int]:
    """(events, bytes) of the claim's history, every run of it."""
    history = await client.get_workflow_handle(f"claim-{claim_id}").fetch_history()
    return len(history.events), sum(e.ByteSize() for e in history.events)


async def measure(mode: str, claims: int, root: Path) -> dict[str, float]:
    async with dev_stack(root / mode, **MODES[mode]) as stack:
        ring = parse_key_ring(dev_key_ring(stack.data_dir))
        client = await Client.connect(stack.temporal_target, data_converter=data_converter(ring))
        meter = CpuMeter(stack.process.pid if stack.process else 0)
        async with httpx.AsyncClient(base_url=stack.api, timeout=30) as http:
            policy = f.policy()
            made = await http.post(
                "/v1/policies", headers=ADMIN, json=policy.model_dump(mode="json")
            )
            made.raise_for_status()
            await until_paid(http, [await send(http, policy.policy_number, -1)])  # warm up
            before = meter.snapshot()
            ids = [await send(http, policy.policy_number, n) for n in range(claims)]
            await until_paid(http, ids)
            cpu = spent_between(before, meter.snapshot())
        sizes = [await history_size(client, claim_id) for claim_id in ids]
    figures = {f"cpu {role} (ms)": 1000 * s / claims for role, s in cpu.items() if s > 0}
    figures["cpu all processes (ms)"] = 1000 * sum(cpu.values()) / claims
    figures["history events"] = statistics.mean(e for e, _ in sizes)
    figures["history bytes"] = statistics.mean(b for _, b in sizes)
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-agent-") as root:
        results = {}
        for mode in MODES:
            print(f"{mode}: {args.claims} claims with a PDF invoice on a fresh `claims dev`...")
            results[mode] = await measure(mode, args.claims, Path(root))
    one, inv = results["one-shot"], results["investigated"]
    print(f"\nper claim ({args.claims} claims each)      one-shot   investigated   ratio")
    for label in sorted(set(one) | set(inv)):
        a, b = one.get(label, 0.0), inv.get(label, 0.0)
        ratio = f"{b / a:6.2f}x" if a else "     -"
        print(f"  {label:34} {a:10.1f} {b:14.1f}   {ratio}")


if __name__ == "__main__":
    asyncio.run(main())
