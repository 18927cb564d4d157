"""Which claims the shadow candidates assess: a share of them, decided by the claim's id."""

from __future__ import annotations

import uuid

from activities.records import in_sample

IDS = [uuid.UUID(int=n * 7919 + 12345) for n in range(4000)]


def test_a_share_of_claims_is_sampled_and_the_same_ones_every_time() -> None:
    chosen = [i for i in IDS if in_sample(i, 0.25)]
    assert 0.22 < len(chosen) / len(IDS) < 0.28
    assert chosen == [i for i in IDS if in_sample(i, 0.25)]
    # A larger share keeps every claim a smaller one had.
    assert set(chosen) <= {i for i in IDS if in_sample(i, 0.5)}


def test_none_and_all() -> None:
    assert not any(in_sample(i, 0.0) for i in IDS)
    assert all(in_sample(i, 1.0) for i in IDS)
