"""A file's kind is its first bytes' say, never its name's."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.http.uploads import safe_name
from claims.document_kinds import DocumentKind, sniff


def encoded(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("JPEG", DocumentKind.JPEG), ("PNG", DocumentKind.PNG), ("WEBP", DocumentKind.WEBP)],
)
def test_images_are_known_by_their_magic_bytes(fmt: str, kind: DocumentKind) -> None:
    assert sniff(encoded(fmt)[:32]) is kind


def test_heic_pdf_and_what_is_refused() -> None:
    assert sniff(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00") is DocumentKind.HEIC
    assert sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00") is None  # a video, not a photo
    assert sniff(b"%PDF-1.7\n") is DocumentKind.PDF
    # A PDF header further in is a polyglot: a reader would accept it, we do not.
    assert sniff(b"<html>%PDF-1.7") is None
    assert sniff(b"<html><script>") is None
    assert sniff(b"GIF89a") is None
    assert sniff(b"") is None


def test_media_types_are_ours() -> None:
    assert DocumentKind.PDF.media_type == "application/pdf"
    assert DocumentKind.HEIC.is_image
    assert not DocumentKind.PDF.is_image


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ada\\claim.pdf", "claim.pdf"),
        ('a"b<script>.jpg', "a_b_script_.jpg"),
        ("line\nbreak.png", "line_break.png"),
        ("...", "document"),
        ("", "document"),
    ],
)
def test_file_names_are_reduced_to_a_safe_base_name(raw: str, kept: str) -> None:
    assert safe_name(raw) == kept
