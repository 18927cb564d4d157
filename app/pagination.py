"""Opaque keyset cursors for the claim list."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

from fastapi import HTTPException, status


def encode(submitted_at: dt.datetime, claim_id: uuid.UUID) -> str:
    raw = f"{submitted_at.isoformat()}|{claim_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, claim_id = raw.partition("|")
        return dt.datetime.fromisoformat(stamp), uuid.UUID(claim_id)
    except ValueError as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["query", "cursor"], "msg": "invalid cursor", "type": "value_error"}],
        ) from exc
