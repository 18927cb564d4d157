"""Opaque keyset cursors for the claim list.

A cursor is valid only if it is exactly what `encode` produced: anything else (a naive or
date-only timestamp, a year-1 date, stray padding) is a 422, never a silently empty page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid

from app.services.errors import InvalidFieldError

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"
# Claims are newer than this; an older cursor was not made by us.
_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def encode(submitted_at: dt.datetime, claim_id: uuid.UUID) -> str:
    raw = f"{submitted_at.isoformat()}|{claim_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid(reason: str) -> InvalidFieldError:
    return InvalidFieldError("cursor", f"invalid cursor: {reason}", location="query")


def decode(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        stamp, sep, claim_text = raw.partition("|")
        submitted_at = dt.datetime.fromisoformat(stamp)
        claim_id = uuid.UUID(claim_text)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _invalid("not a cursor from this API") from exc
    if not sep or submitted_at.tzinfo is None or submitted_at < _EARLIEST:
        raise _invalid("not a cursor from this API")
    if encode(submitted_at, claim_id) != cursor:
        raise _invalid("not in canonical form")
    return submitted_at, claim_id
