"""`claims deploy`: the Worker Deployment of the claims workers, as an operator drives it.

    claims deploy status                 builds, routing, drainage, claims on each
    claims deploy promote BUILD          new claims start on BUILD; waiting claims move to it
    claims deploy ramp BUILD PERCENT     PERCENT of new claims start on BUILD (0 ends the ramp)
    claims deploy retire BUILD           forget a drained BUILD whose workers are stopped

Exit codes: 0 done, 1 failed (Temporal unreachable, an unknown build), 3 refused (claims still
run on the build, or it is current), 4 no such deployment.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

# Only what parsing needs is imported here: `claims healthcheck` (a container probe) builds the
# same parser and must start fast. The Temporal client and the deployment logic load on use.
if TYPE_CHECKING:
    from temporalio.client import Client

    from infra.settings import Settings
    from workers.deployments import DeploymentStatus

FAILED, REFUSED, NOT_FOUND = 1, 3, 4


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    deploy = commands.add_parser(
        "deploy", help="Worker Deployment: status, promote, ramp, retire builds"
    ).add_subparsers(dest="deploy", required=True)
    deploy.add_parser("status", help="builds, routing and the claims running on each")
    promote = deploy.add_parser("promote", help="make BUILD current; waiting claims move to it")
    promote.add_argument("build")
    ramp = deploy.add_parser("ramp", help="send PERCENT of new claims to BUILD")
    ramp.add_argument("build")
    ramp.add_argument("percent", type=float)
    retire = deploy.add_parser("retire", help="remove a drained BUILD (its workers stopped)")
    retire.add_argument("build")


def render(status: DeploymentStatus, this_build: str | None = None) -> str:
    """The deployment as a table an operator reads (and a test can parse)."""
    lines = [f"deployment {status.name}"]
    lines.append(f"  current  {status.current or '-'}")
    if status.ramping:
        lines.append(f"  ramping  {status.ramping} at {status.ramp_percentage:g}%")
    header = ("BUILD", "STATE", "CLAIMS", "OTHER", "CREATED")
    rows = [
        (
            build.build_id + (" (this code)" if build.build_id == this_build else ""),
            build.state,
            str(build.claims),
            str(build.others),
            build.created_at.strftime("%Y-%m-%d %H:%M:%SZ"),
        )
        for build in status.builds
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from temporalio.service import RPCError

    from cli.reach import connect_or_say
    from workers.deployments import DeployError

    client = await connect_or_say(settings, "deploy")
    if client is None:
        return FAILED
    name = settings.deployment_name
    try:
        return await _command(client, name, args, settings)
    except DeployError as exc:
        print(f"claims deploy {args.deploy}: {exc}", file=sys.stderr)
        return REFUSED if exc.refused else FAILED
    except RPCError as exc:
        print(f"claims deploy {args.deploy}: Temporal refused: {exc.message}", file=sys.stderr)
        return FAILED


async def _command(client: Client, name: str, args: argparse.Namespace, settings: Settings) -> int:
    from workers import deployments
    from workers.build_id import build_id

    if args.deploy == "status":
        status = await deployments.describe(client, name)
        if status is None:
            print(
                f"claims deploy: no deployment {name} (no claims worker has joined it)",
                file=sys.stderr,
            )
            return NOT_FOUND
        print(render(status, this_build=build_id(settings)))
        return 0
    if args.deploy == "promote":
        woken = await deployments.promote(client, name, args.build)
        print(f"{args.build} is current in {name}; woke {woken} workflows on older builds")
        return 0
    if args.deploy == "ramp":
        await deployments.ramp(client, name, args.build, args.percent)
        print(f"{args.build} takes {args.percent:g}% of new claims in {name}")
        return 0
    await deployments.retire(client, name, args.build)
    print(f"{args.build} retired from {name}")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def dev_build_report(client: Client, settings: Settings) -> list[str]:
    """For `claims dev`'s banner: this code's build, and the claims older builds still hold."""
    from temporalio.service import RPCError

    from workers import deployments
    from workers.build_id import build_id

    build = build_id(settings)
    name = settings.deployment_name
    try:
        status = await deployments.describe(client, name)
    except RPCError as exc:
        return [f"  Build         {build} (deployment {name} unreadable: {exc.message})"]
    lines = [f"  Build         {build}, current in deployment {name} (claims deploy status)"]
    older = [b for b in (status.builds if status else []) if b.build_id != build and b.claims]
    if older:
        waiting = sum(b.claims for b in older)
        query = (
            f"TemporalWorkerDeployment='{name}' AND ExecutionStatus='Running'"
            f" AND TemporalWorkerDeploymentVersion!='{name}:{build}'"
        )
        lines += [
            f"                {waiting} claims run on {len(older)} older builds (workflow code was"
            " edited). Pinned there,",
            "                they wait for a worker of their build; none runs now. To drop them:",
            f'                temporal workflow terminate --query "{query}"',
        ]
    return [*lines, ""]
