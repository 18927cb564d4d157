"""`claims replay`: do the claims in a namespace replay on this working tree's code?

    claims replay [--since 7d] [--limit 500] [--build BUILD]

Fetches the histories of running and recently closed claims (and outbox dispatchers), replays
each on the code here, in the sandbox the workers use, and exits 1 naming every workflow that
fails with a nondeterminism error. Run it before a deploy: a change whose claims all replay is
compatible; one that does not must ship as a new build (README, "Changing ClaimWorkflow").
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# Only what parsing needs is imported here (see cli/deploy.py); the workflows load on use.
if TYPE_CHECKING:
    from temporalio.client import Client

    from infra.settings import Settings

WORKFLOW_TYPES = ("ClaimWorkflow", "OutboxDispatcher")

_UNITS = {"m": 60, "h": 3_600, "d": 86_400}


def duration(text: str) -> dt.timedelta:
    """`30m`, `12h`, `7d`."""
    match = re.fullmatch(r"(\d+)([mhd])", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30m, 12h or 7d")
    return dt.timedelta(seconds=int(match[1]) * _UNITS[match[2]])


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    replay = commands.add_parser(
        "replay", help="replay the namespace's recent claims on this code (a pre-deploy check)"
    )
    replay.add_argument(
        "--since", type=duration, default=dt.timedelta(days=7), help="closed this recently (7d)"
    )
    replay.add_argument("--limit", type=int, default=500, help="at most this many workflows")
    replay.add_argument("--build", help="only workflows pinned to this build id")


@dataclass
class ReplayReport:
    replayed: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def query(since: dt.timedelta, *, deployment: str, build: str | None, now: dt.datetime) -> str:
    cutoff = (now - since).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = (
        f"WorkflowType IN ('{WORKFLOW_TYPES[0]}', '{WORKFLOW_TYPES[1]}') AND "
        f"(ExecutionStatus = 'Running' OR CloseTime > '{cutoff}')"
    )
    if build:
        text += f" AND TemporalWorkerDeploymentVersion = '{deployment}:{build}'"
    return text


async def replay(client: Client, text: str, limit: int, progress: bool = True) -> ReplayReport:
    """Replay every history the query finds (at most `limit`) on the code here."""
    from temporalio.worker import Replayer

    from workflows import claim
    from workflows.outbox import OutboxDispatcher
    from workflows.sandbox import claim_workflow_runner

    report = ReplayReport()
    replayer = Replayer(
        # Looked up on use, so a test can put a changed workflow in its place.
        workflows=[claim.ClaimWorkflow, OutboxDispatcher],
        data_converter=client.data_converter,
        workflow_runner=claim_workflow_runner(),
    )
    histories = client.list_workflows(text, limit=limit).map_histories()
    async with replayer.workflow_replay_iterator(histories) as results:
        async for result in results:
            report.replayed += 1
            if result.replay_failure is not None:
                report.failed[result.history.workflow_id] = str(result.replay_failure)[:300]
            if progress and report.replayed % 25 == 0:
                print(f"  replayed {report.replayed}…", file=sys.stderr)
    return report


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from cli.reach import connect_or_say

    client = await connect_or_say(settings, "replay")
    if client is None:
        return 1
    text = query(
        args.since,
        deployment=settings.deployment_name,
        build=args.build,
        now=dt.datetime.now(dt.UTC),
    )
    print(f"replaying up to {args.limit} workflows of {settings.temporal_namespace}: {text}")
    report = await replay(client, text, args.limit)
    for workflow_id, failure in sorted(report.failed.items()):
        print(f"NONDETERMINISTIC {workflow_id}: {failure}")
    print(f"{report.replayed} replayed, {len(report.failed)} failed")
    if report.failed:
        print("this code cannot take those workflows over: ship it as a new build")
        return 1
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))
