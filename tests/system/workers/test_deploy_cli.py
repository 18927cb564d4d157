"""`claims deploy` against the session's server: ramping a second build, and refusals."""

from __future__ import annotations

import argparse

import pytest

from cli import deploy
from tests.support.stack import Stack, StackFactory
from tools import samples as f
from workers import deployments
from workers.claims_worker import build_claims_worker
from workers.outbox_worker import build_outbox_worker
from workers.versioning import deployment_config


async def _deploy(stack: Stack, *words: str) -> int:
    """`claims deploy WORDS…` in-process, against the stack's deployment."""
    args = deploy_parser().parse_args(list(words))
    settings = stack.settings.model_copy(
        update={"temporal_address": stack.client.service_client.config.target_host}
    )
    return await deploy._run(args, settings)


def deploy_parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="claims")
    deploy.add_commands(root.add_subparsers(dest="command", required=True))
    return root


async def test_a_second_build_is_ramped_then_the_ramp_ends(
    make_stack: StackFactory, capsys: pytest.CaptureFixture[str]
):
    async with make_stack() as stack:
        name = stack.settings.deployment_name
        # A whole build, as a claims-worker process runs it: the claims queue and the outbox
        # queue. (The server refuses to ramp a build that lacks a queue the current one serves.)
        build_b = deployment_config(name, "ramp-b")
        second = build_claims_worker(
            stack.client,
            engine=stack.engine,
            task_queue=stack.settings.task_queue,
            deployment=build_b,
        )
        outbox = build_outbox_worker(
            stack.client,
            engine=stack.engine,
            settings=stack.settings,
            key_ring=stack.settings.key_ring(),
            deployment=build_b,
        )
        async with second, outbox:
            assert await _deploy(stack, "deploy", "ramp", "ramp-b", "150") == 3
            assert await _deploy(stack, "deploy", "ramp", "ramp-b", "25") == 0
            status = await deployments.describe(stack.client, name)
            assert status is not None
            assert (status.ramping, status.ramp_percentage) == ("ramp-b", 25.0)
            # New claims still start, on either build: both serve the queue.
            policy = await stack.add_policy(f.policy())
            handle = await stack.start(f.submission(policy.policy_number))
            assert (await handle.result()).status == "paid"
            capsys.readouterr()
            assert await _deploy(stack, "deploy", "status") == 0
            shown = capsys.readouterr().out
            assert "ramping  ramp-b at 25%" in shown
            assert await _deploy(stack, "deploy", "ramp", "ramp-b", "0") == 0
            ended = await deployments.describe(stack.client, name)
            assert ended is not None
            assert ended.ramping is None
            # The current build cannot be retired; an unknown one is not found.
            assert await _deploy(stack, "deploy", "retire", ended.current or "") == 3
            assert await _deploy(stack, "deploy", "retire", "no-such-build") == 1
