"""Benchmark: the CPU our Postgres activities spend on one auto-approved claim, against the driver.

A claim's Postgres work is its admission, four `record_steps` writes and the payment: seven
transactions. This runs exactly those activities, with the inputs an auto-approved claim gives
them (bench/data/auto_approve_steps.jsonl, recorded from a real claim), on an embedded Postgres
and with no Temporal: the CPU this process spends per claim is what those activities cost a
claims worker, beside the statements and transactions they make.

The baseline is the driver's floor for the same round trips: as many transactions, each with
its share of the same number of one-row inserts, sent by asyncpg alone. The ratio is what our
store code and SQLAlchemy add on top of talking to Postgres at all.

    make bench-steps     # or: .venv/bin/python -m bench.db_steps --claims 300
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import ActivityEnvironment

import contracts as c
from activities.payment import LedgerRail, PaymentActivities
from activities.records import RecordActivities
from infra.db import create_engine
from infra.migrate import upgrade
from infra.store import policies
from tools import samples as f
from tools.servers import postgres_server

STEPS = Path(__file__).parent / "data" / "auto_approve_steps.jsonl"
# The recorded claim's id and policy number; each benchmarked claim gets a fresh id.
RECORDED_CLAIM = "00000000-0000-0000-0000-00000000c1a1"
RECORDED_POLICY = "P-BENCH"
WARM_UP = 20
# Each recorded activity's input contract.
INPUTS: dict[str, type[c.Contract]] = {
    "admit": c.SubmissionRecord,
    "steps": c.StepsInput,
    "pay": c.PaymentInput,
}


def recorded_steps() -> list[tuple[str, str]]:
    """(activity, input JSON) in the order an auto-approved claim runs them."""
    lines = STEPS.read_text().splitlines()
    return [(row["activity"], json.dumps(row["input"])) for row in map(json.loads, lines)]


def cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


class RecordedClaim:
    """Runs one claim's recorded Postgres activities, as a claims worker runs them."""

    def __init__(self, engine: AsyncEngine) -> None:
        records = RecordActivities(engine)
        payments = PaymentActivities(engine, LedgerRail())
        self._env = ActivityEnvironment()
        self._activities: dict[str, Callable[[Any], Awaitable[Any]]] = {
            "admit": records.admit_claim,
            "steps": records.record_steps,
            "pay": payments.pay_claim,
        }
        self._steps = recorded_steps()

    async def one_claim(self) -> None:
        # Decoding each input is part of the cost: the worker's data converter does the same.
        claim_id = str(uuid.uuid4())
        for activity, body in self._steps:
            request = INPUTS[activity].model_validate_json(body.replace(RECORDED_CLAIM, claim_id))
            await self._env.run(self._activities[activity], request)


def count_round_trips(engine: AsyncEngine) -> Counter[str]:
    """Statements and transactions the engine sends, counted as they go."""
    counts: Counter[str] = Counter()
    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", lambda *_: counts.update(["statements"]))
    event.listen(sync, "begin", lambda *_: counts.update(["transactions"]))
    return counts


async def driver_floor(url: str, transactions: int, statements: int, claims: int) -> float:
    """CPU seconds for asyncpg alone to send `claims` times that many one-row transactions."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(
            "CREATE TEMP TABLE floor (claim_id uuid, step int, at timestamptz,"
            " UNIQUE (claim_id, step))"
        )
        insert = "INSERT INTO floor VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        per_transaction = [statements // transactions] * transactions
        per_transaction[0] += statements - sum(per_transaction)
        now = dt.datetime.now(dt.UTC)
        began = cpu_seconds()
        for _ in range(claims):
            claim_id, step = uuid.uuid4(), 0
            for count in per_transaction:
                async with connection.transaction():
                    for _ in range(count):
                        step += 1
                        await connection.execute(insert, claim_id, step, now)
        return cpu_seconds() - began
    finally:
        await connection.close()


async def main(claims: int) -> None:
    print("starting an embedded Postgres ...", flush=True)
    async with postgres_server() as url:
        await asyncio.to_thread(upgrade, url)
        # As the claims worker makes it (workers/run.py): no ping on checkout.
        engine = create_engine(url, pre_ping=False)
        try:
            async with engine.begin() as conn:
                await policies.upsert(conn=conn, policy=f.policy(policy_number=RECORDED_POLICY))
            steps = RecordedClaim(engine)
            for _ in range(WARM_UP):
                await steps.one_claim()
            counts = count_round_trips(engine)
            print(f"{claims} claims' Postgres activities ...", flush=True)
            began = cpu_seconds()
            for _ in range(claims):
                await steps.one_claim()
            ours = cpu_seconds() - began
        finally:
            await engine.dispose()
        transactions = counts["transactions"] // claims
        statements = counts["statements"] // claims
        print(f"the driver alone: {transactions} transactions, {statements} inserts ...")
        floor = await driver_floor(url, transactions, statements, claims)
    per_claim, floor_per_claim = ours / claims * 1000, floor / claims * 1000
    print(f"\nper auto-approved claim: {transactions} transactions, {statements} statements")
    print(
        f"{'our Postgres activities, CPU per claim':44} {per_claim:7.2f} ms\n"
        f"{'asyncpg alone, same round trips':44} {floor_per_claim:7.2f} ms\n"
        f"{'ratio':44} {per_claim / floor_per_claim:7.2f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=300)
    asyncio.run(main(parser.parse_args().claims))
