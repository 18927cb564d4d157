"""Moving a waiting claim to the deployment's new build, at a point where that is safe.

ClaimWorkflow is pinned to the build that started it (Worker Versioning): a rolling deploy
never replays a claim on code it did not start on. A claim that waits days for a person would
then hold its build's workers for as long, so at its waits it checks whether the deployment's
target build changed; if so, and nothing is half done, it continues as new on the target. The
new run takes the claim's whole state and resumes the same wait (ClaimWorkflow.run). The worker
running the claim decides this from what the server says of the deployment; no other process
sets a flag that picks the code path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import NoReturn

from temporalio import workflow


class BuildWatch:
    """Waits that move the claim to a new build when its deployment's target changes."""

    def __init__(
        self, check: timedelta, can_move: Callable[[], bool], move: Callable[[], NoReturn]
    ) -> None:
        self._check = check
        self._can_move = can_move
        self._move = move
        self._woken = False

    def wake(self) -> None:
        """Look now (`claims deploy promote` signals the claims of older builds)."""
        self._woken = True

    async def wait(self, done: Callable[[], bool], within: timedelta | None = None) -> bool:
        """Until `done()` (True) or `within` passed (False), moving to a new target build."""
        deadline = None if within is None else workflow.now() + within
        self.move_if_retargeted()
        while not done():
            left = None if deadline is None else deadline - workflow.now()
            if left is not None and left <= timedelta(0):
                return False
            self._woken = False
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: done() or self._woken,
                    timeout=self._check if left is None else min(self._check, left),
                )
            if not done():
                self.move_if_retargeted()
        return True

    def move_if_retargeted(self) -> None:
        if workflow.info().is_target_worker_deployment_version_changed() and self._can_move():
            workflow.logger.info("the deployment's target build changed: moving to it")
            self._move()
