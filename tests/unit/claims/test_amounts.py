"""Amounts typed the way people write them, and read back in words before money moves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.amounts import AmountError, in_words, number_in_words, parse_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("14,000.00", "14000.00"),
        ("14000", "14000.00"),
        ("$14,000", "14000.00"),
        ("14,000.5 USD", "14000.50"),
        ("usd 1,234,567.89", "1234567.89"),
        (" 0.01 ", "0.01"),
    ],
)
def test_amounts_are_read_as_written(typed: str, amount: str) -> None:
    assert parse_amount(typed, "USD") == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the amount"),
        ("lots", "in figures"),
        ("14.000,00", "in figures"),
        ("1,00", "in figures"),
        ("€100", "paid in USD, not EUR"),
        ("100 GBP", "paid in USD, not GBP"),
        ("10.001", "two decimals"),
        ("-5", "in figures"),
    ],
)
def test_what_cannot_be_read_is_refused_in_words(typed: str, says: str) -> None:
    with pytest.raises(AmountError, match=says):
        parse_amount(typed, "USD")


def test_amounts_in_words() -> None:
    assert number_in_words(0) == "zero"
    assert number_in_words(1250) == "one thousand two hundred fifty"
    assert number_in_words(2_000_019) == "two million nineteen"
    assert in_words(Decimal("14000.00"), "USD") == "fourteen thousand US dollars"
    assert in_words(Decimal("1.01"), "EUR") == "one euro and one cent"
    assert in_words(Decimal("5000.50"), "GBP") == "five thousand pounds sterling and fifty pence"
    assert in_words(Decimal("12.30"), "CHF") == "twelve CHF and thirty hundredths"
