"""How an update handler hands a request to the workflow's main flow and gets its answer.

The one handler pattern of ClaimWorkflow (README, "Changing ClaimWorkflow"):

- Handlers never change the claim themselves. An update that needs the main flow (a review,
  a cancel) `post`s its request to a mailbox and waits; its validator has already refused
  anything the claim cannot take, so at most one request is pending.
- The main flow reads a request only through `take()`, a context manager whose exit answers
  the waiting update, whichever way the block is left (return, exception, cancellation).
  A new code path cannot forget to answer: there is no other way to get at the request.
- Before the workflow completes or continues as new it waits for
  `workflow.all_handlers_finished`, so no update is cut off mid-answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

T = TypeVar("T")


class Mailbox(Generic[T]):
    """At most one pending request from an update handler to the main flow."""

    def __init__(self) -> None:
        self._pending: T | None = None
        # Sequence numbers rather than a flag, so each post waits for its own answer.
        self._posted = 0
        self._answered = 0

    @property
    def pending(self) -> T | None:
        """The request posted and not yet answered (validators refuse a second one)."""
        return self._pending

    async def post(self, request: T) -> None:
        """Hand `request` to the main flow; return once the main flow has answered it."""
        self._pending = request
        self._posted += 1
        mine = self._posted
        await workflow.wait_condition(lambda: self._answered >= mine)

    @contextmanager
    def take(self) -> Iterator[T]:
        """The pending request, answered when the block exits, however it exits."""
        request = self._pending
        if request is None:
            # A programming error, not a business one: fail the workflow task visibly.
            raise ApplicationError("take() without a pending request", non_retryable=True)
        try:
            yield request
        finally:
            self._pending = None
            self._answered = self._posted
