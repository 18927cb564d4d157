"""Amounts and times as every page, history line and refusal writes them: `14,000.00 USD`,
`2026-12-06 14:02 UTC`. Values from an event's detail (strings) are read here too; what cannot
be read is shown as it is, never an error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

NOTHING = "—"


def money(value: Decimal | str | None, currency: str = "") -> str:
    if value is None:
        return NOTHING
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return f"{value} {currency}".strip()
    return f"{amount:,.2f} {currency}".strip()


def utc(value: dt.datetime | str | None) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        when = value
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
