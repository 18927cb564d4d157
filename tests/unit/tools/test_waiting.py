"""The tests' one way of waiting ends at its deadline, whatever the read does."""

from __future__ import annotations

import asyncio

import pytest

from tools.waiting import WaitTimeoutError, wait_for


async def test_a_read_that_never_answers_ends_at_the_deadline_and_says_so() -> None:
    async def stalls() -> bool:
        await asyncio.Event().wait()  # a server that accepts and never answers
        return True

    with pytest.raises(WaitTimeoutError, match="still unanswered at the deadline"):
        await wait_for(stalls, what="a stalled server", timeout_s=0.2, every_s=0.05)


async def test_the_value_that_satisfies_the_check_is_returned() -> None:
    seen = iter(range(10))

    async def counts() -> int:
        return next(seen)

    assert await wait_for(counts, lambda n: n >= 3, what="three", every_s=0) == 3


async def test_the_last_value_seen_is_named_at_the_deadline() -> None:
    async def never_enough() -> int:
        return 7

    with pytest.raises(WaitTimeoutError, match="waited 0s for eight; last saw: 7"):
        await wait_for(never_enough, lambda n: n >= 8, what="eight", timeout_s=0.1, every_s=0.02)
