"""Files a claimant sends, made in the test: photos (with or without GPS), PDFs, bombs."""

from __future__ import annotations

import io
import uuid
import zlib
from typing import Any

from PIL import Image

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
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


async def upload(
    stack: Stack, claim_id: uuid.UUID, name: str, data: bytes, headers: dict[str, str] = SUBMITTER
) -> Any:
    return await stack.http.post(
        f"/v1/claims/{claim_id}/documents",
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
    )
