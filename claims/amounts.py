"""Amounts as people write and read them: '$14,000.00' typed in a form, and 'fourteen thousand
US dollars' on a confirmation before money moves."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"\d+(\.\d+)?")
_CURRENCY_NAMES = {
    "USD": ("US dollar", "US dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound sterling", "pounds sterling", "penny", "pence"),
}


class AmountError(ValueError):
    """Why a typed amount cannot be read (a sentence for the person who typed it)."""


def parse_amount(text: str, currency: str) -> Decimal:
    """'14,000.00', '$14,000', '14000.5 USD' → Decimal. Thousands separators and the claim's
    own currency (as a code or a sign) are accepted; another currency, or anything else, is
    refused with a sentence saying how to write it."""
    raw = text.strip().replace("\u00a0", " ")
    if not raw:
        raise AmountError("Enter the amount to pay.")
    for symbol, code in _SYMBOLS.items():
        if raw.startswith(symbol) or raw.endswith(symbol):
            if code != currency:
                raise AmountError(f"This claim is paid in {currency}, not {code}.")
            raw = raw.strip(symbol).strip()
    words = raw.split()
    if len(words) == 2 and words[0].isalpha() != words[1].isalpha():
        code = words[0] if words[0].isalpha() else words[1]
        if code.upper() != currency:
            raise AmountError(f"This claim is paid in {currency}, not {code.upper()}.")
        raw = words[1] if words[0].isalpha() else words[0]
    if _GROUPED.fullmatch(raw):
        raw = raw.replace(",", "")
    if not _PLAIN.fullmatch(raw):
        raise AmountError("Write the amount in figures, for example 1,250.00.")
    try:
        amount = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise AmountError("Write the amount in figures, for example 1,250.00.") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise AmountError("Write the amount with at most two decimals (cents).")
    return amount.quantize(Decimal("0.01"))


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        parts.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest or not parts:
        parts.append(_ONES[rest])
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """1250 → 'one thousand two hundred fifty'."""
    if n < 1000:
        return _below_thousand(n)
    parts = []
    for size, name in _SCALES:
        if n >= size:
            count, n = divmod(n, size)
            parts.append(f"{number_in_words(count)} {name}")
    if n:
        parts.append(_below_thousand(n))
    return " ".join(parts)


def in_words(amount: Decimal, currency: str) -> str:
    """Decimal('14000.50'), 'USD' → 'fourteen thousand US dollars and fifty cents'."""
    whole = int(amount)
    cents = int((amount - whole) * 100)
    one, many, cent, cents_name = _CURRENCY_NAMES.get(
        currency, (currency, currency, "hundredth", "hundredths")
    )
    text = f"{number_in_words(whole)} {one if whole == 1 else many}"
    if cents:
        text += f" and {number_in_words(cents)} {cent if cents == 1 else cents_name}"
    return text
