"""What a file is, decided by its first bytes: never by its name or the type its sender claims.

Only the kinds a claim needs are accepted: photos (JPEG, PNG, WebP, HEIC) and PDFs. Anything
else, an HTML page named `.jpg` included, is refused by name.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    TEXT = "text"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    HEIC = "heic"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def is_image(self) -> bool:
        return self in (DocumentKind.JPEG, DocumentKind.PNG, DocumentKind.WEBP, DocumentKind.HEIC)


_MEDIA_TYPES = {
    DocumentKind.TEXT: "text/plain",
    DocumentKind.JPEG: "image/jpeg",
    DocumentKind.PNG: "image/png",
    DocumentKind.WEBP: "image/webp",
    DocumentKind.HEIC: "image/heic",
    DocumentKind.PDF: "application/pdf",
}

# Enough of a file's head to decide.
SNIFF_BYTES = 32
# ISO base media brands of HEIF images (an `ftyp` box at offset 4).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
ACCEPTED = "JPEG, PNG, WebP, HEIC or PDF"


def sniff(head: bytes) -> DocumentKind | None:
    """The kind of a file from its first bytes, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return DocumentKind.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return DocumentKind.HEIC
    # A PDF reader accepts the header anywhere in the first KiB; we do not: a file that starts
    # as something else and is a PDF further in is a polyglot.
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    return None
