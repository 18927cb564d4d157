"""Files a claimant sends, made in the test: photos (with or without GPS), PDFs, bombs."""

from __future__ import annotations

import io
import uuid
import zlib
from typing import Any

from PIL import Image

from evaluation.dataset.file_rows import pdf_with_content
from tests.support.api import SUBMITTER
from tests.support.stack import Stack


def photo(
    fmt: str = "JPEG", *, gps: bool = False, colour: str | tuple[int, int, int] = "red"
) -> bytes:
    image = Image.new("RGB", (64, 48), colour)
    out = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "PhoneMaker"
        # GPSInfo: latitude 48 deg N.
        exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0)})
    image.save(out, fmt, exif=exif.tobytes() if gps else b"")
    return out.getvalue()


def pdf(text: str, *, stream: bytes | None = None) -> bytes:
    """A one-page PDF showing `text`, or carrying `stream` (already deflated) as its content."""
    content = stream or zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    return pdf_with_content(content)


async def upload(
    stack: Stack, claim_id: uuid.UUID, name: str, data: bytes, headers: dict[str, str] = SUBMITTER
) -> Any:
    return await stack.http.post(
        f"/v1/claims/{claim_id}/documents",
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
    )
