"""Text and money types that refuse hostile input before it reaches Postgres or Temporal.

Postgres refuses NUL in text, and a lone surrogate cannot be encoded as UTF-8 at all: either
one accepted here would fail a database write later, inside a claim's workflow. So every text
field refuses them at the edge, with an error naming the field and never echoing the input.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

# C0 and C1 control characters, DEL, and the UTF-16 surrogate range.
_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Free text keeps line breaks and tabs: descriptions and notes are paragraphs.
_CONTROL_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _describe(char: str, position: int) -> str:
    kind = "an unpaired surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return f"contains {kind} (U+{ord(char):04X}) at position {position}"


def _refuse(pattern: re.Pattern[str]) -> AfterValidator:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found is not None:
            raise ValueError(_describe(found.group(), found.start()))
        return value

    return AfterValidator(check)


def refused_character(value: str, *, free_text: bool = False) -> str | None:
    """Why `value` may not be stored (None when it may), for checks outside pydantic."""
    pattern = _CONTROL_IN_FREE_TEXT if free_text else _CONTROL_OR_SURROGATE
    found = pattern.search(value)
    return _describe(found.group(), found.start()) if found else None


# The same rules for the schema's readers (clients, fuzzers); the validators above give the
# clearer error, naming the character and where it is.
_LINE_SCHEMA = Field(json_schema_extra={"pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"})
_FREE_TEXT_SCHEMA = Field(
    json_schema_extra={
        "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
    }
)

# A name, an email, a document title: one line, no control characters at all.
Line = Annotated[str, _refuse(_CONTROL_OR_SURROGATE), _LINE_SCHEMA]
# A description, a note, a document: may hold line breaks (\n, \r) and tabs.
FreeText = Annotated[str, _refuse(_CONTROL_IN_FREE_TEXT), _FREE_TEXT_SCHEMA]

# A deliberately plain check: the address is contact data, not an identity proof.
# \uXXXX escapes: the one spelling Python, pydantic's Rust regex and JSON Schema all read alike.
_EMAIL_PART = r"[^@\s\u0000-\u001f\u007f-\u009f]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"


def mailbox_problem(value: str) -> str | None:
    """Why `value` is not one deliverable RFC 5321 mailbox (None when it is).

    The pattern above only shapes the schema; this is the check that counts. A maintained
    parser (email-validator, no DNS look-up) refuses lists (`a@x.com,postmaster`), quoted or
    bracketed local parts, empty labels (`a@x..com`) and domain literals, and (strict) enforces
    RFC 5321's lengths (64 octets before the @, 254 in all): every address the relay would be
    refused for later, at which point the claimant would simply never hear.
    """
    try:
        validate_email(
            value,
            check_deliverability=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            strict=True,
        )
    except EmailNotValidError as exc:
        return f"is not a valid e-mail address ({exc})"
    return None


def _one_mailbox(value: str) -> str:
    problem = mailbox_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Email = Annotated[
    str,
    _refuse(_CONTROL_OR_SURROGATE),
    Field(max_length=254, pattern=EMAIL_PATTERN),
    AfterValidator(_one_mailbox),
]


def _iso_date(value: object) -> object:
    # pydantic would read a number as seconds since 1970: a date must be written as one.
    if isinstance(value, dt.date | str):
        return value
    raise ValueError('must be a date string such as "2026-06-15"')


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

# Money travels as a decimal string ("1250.00") so no float ever rounds a payout. JSON numbers
# are refused: a bare NaN, Infinity or 1e400 never becomes an amount.
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)


def _parse_money(value: object) -> object:
    if isinstance(value, Decimal):  # from Python callers: checked by the field's constraints
        return value
    if not isinstance(value, str):
        raise ValueError('must be a decimal string such as "1250.00", not a JSON number')
    if not _MONEY.fullmatch(value):
        raise ValueError('must be a decimal string such as "1250.00" (at most 2 decimals)')
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise ValueError("is not a decimal amount") from exc


def _money(minimum: str) -> WithJsonSchema:
    # One schema for requests and responses: a response's amounts are strings of this form too.
    return WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "examples": ["1250.00"],
            "description": f"A decimal amount as a string, at least {minimum}",
        }
    )


PositiveMoney = Annotated[
    Decimal,
    BeforeValidator(_parse_money),
    Field(gt=0, max_digits=14, decimal_places=2),
    _money("0.01"),
]
NonNegativeMoney = Annotated[
    Decimal,
    BeforeValidator(_parse_money),
    Field(ge=0, max_digits=14, decimal_places=2),
    _money("0.00"),
]
