"""Rows whose documents are files (R6): a crime report sent as a PDF or as a scanned photo.

The files are made here, deterministically, beside the set (`files/`): a one-page PDF with the
report's words as text, and a PNG of the same words drawn in black on white (a scan). The label
is the rubric's, whatever the file's kind: a crime report with its reference clears a theft; a
PDF that says no report was made does not. A model that cannot see gets only "an image was
attached" for a scan, and so sends such a claim to a person: the report counts that as the miss
it is.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evaluation.dataset import texts as t
from evaluation.dataset.builder import TYPES, Builder, in_split, split_of

FILES = Path(__file__).parent / "files"


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF showing `text` (Helvetica, one line per 90 characters)."""
    lines = [text[i : i + 90] for i in range(0, len(text), 90)] or [""]
    shown = " ".join(
        f"({line.replace(chr(92), '').replace('(', '[').replace(')', ']')}) Tj 0 -14 Td"
        for line in lines
    )
    return pdf_with_content(
        zlib.compress(f"BT /F1 11 Tf 50 760 Td {shown} ET".encode("latin-1", "replace"))
    )


def pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (a deflated content stream), Helvetica as F1."""
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


def scan_bytes(text: str) -> bytes:
    """A PNG of `text` drawn as a scanner would see a printed page (greyscale)."""
    from PIL import Image, ImageDraw

    lines = [text[i : i + 60] for i in range(0, len(text), 60)] or [""]
    image = Image.new("L", (640, 40 + 16 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((20, 20 + 16 * row), line, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def with_files(b: Builder, files: dict[str, bytes]) -> Iterator[dict[str, Any]]:
    """Thefts cleared by a report sent as a file; one that is a PDF saying none was made."""

    def thefts(split: str) -> list[tuple[str, str]]:
        texts = in_split(t.THEFT_NO_REFERENCE, split)
        return [(c, x) for c, x in texts if "polic" not in x and "report" not in x]

    def crime_report() -> str:
        ref = f"{b.rng.randint(10, 99)}/{b.rng.randint(10000, 99999)}/26"
        return str(b.rng.choice(t.CRIME_REPORTS).format(ref=ref))

    def no_report() -> str:
        return str(b.rng.choice(list(t.NO_REPORT)).format(amount="900.00 USD", n=1))

    # Names as scanners and phones give them: the evidence is in the content, never the name
    # (a name saying "police report" would answer for a model that read nothing).
    groups = [
        (4, "attachment-1.pdf", pdf_bytes, crime_report, "auto_approve", []),
        (4, "scan-0001.png", scan_bytes, crime_report, "auto_approve", []),
        (
            3,
            "attachment-2.pdf",
            pdf_bytes,
            no_report,
            "human_review",
            ["theft_without_police_report"],
        ),
    ]
    whys = {
        "auto_approve": "R6: the crime report, sent as a file, clears the theft",
        "human_review": "R6/R2: the file says no report was made",
    }
    for count, name, make, words, route, reasons in groups:
        for i in range(count):
            split = split_of(i)
            claim_type, text = b.rng.choice(thefts(split))
            row = b.row(
                "documents",
                split=split,
                claim_type=claim_type,
                description=text,
                route=route,
                reasons=reasons,
                why=whys[route],
            )
            path = f"files/{row['id']}-{name}"
            files[path] = make(words())
            row["documents"] = [{"name": name, "file": path}]
            yield row


__all__ = ["FILES", "TYPES", "with_files"]
