"""A claimant's e-mail is one RFC 5321 mailbox, lengths included."""

from __future__ import annotations

import pytest

from claims.text import mailbox_problem

DOMAIN_63 = "d" * 63


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("a" * 65 + "@example.com", "too long before the @"),  # RFC 5321: local part <= 64
        (f"ada@{DOMAIN_63}.{DOMAIN_63}.{DOMAIN_63}.{DOMAIN_63}.com", "too long"),  # > 254 in all
        ("alice@example.com,postmaster", "not a valid"),
        ("a@x..com", "not a valid"),
    ],
)
def test_addresses_past_the_rfc_limits_or_not_one_mailbox_are_refused(address: str, why: str):
    problem = mailbox_problem(address)
    assert problem is not None, address
    assert why in problem


def test_the_longest_valid_local_part_is_accepted():
    assert mailbox_problem("a" * 64 + "@example.com") is None
