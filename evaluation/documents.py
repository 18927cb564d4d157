"""A golden claim's documents as the model gets them in production: lines of text, and images.

A text is its text. A file is read by the same code as the claims worker's (a PDF's text, under
the same limits) and described by the same line (claims/attachments.py); a photo or a scan is
also handed over as an image, which the chain shows only to a model that can see.
"""

from __future__ import annotations

import io

from claims.attachments import AttachedImage, file_line
from claims.document_kinds import SNIFF_BYTES, DocumentKind, sniff
from evaluation.golden import GoldenClaim
from infra.document_inspection import UnreadableDocumentError, pdf_text

_MAX_PDF_PAGES = 200


def model_documents(row: GoldenClaim) -> tuple[list[tuple[str, str]], list[AttachedImage]]:
    texts: list[tuple[str, str]] = []
    images: list[AttachedImage] = []
    for doc in row.documents:
        if doc.path is None:
            texts.append((doc.name, doc.text))
            continue
        data = doc.path.read_bytes()
        kind = sniff(data[:SNIFF_BYTES])
        if kind is None:
            texts.append((doc.name, "[a file of a kind that is not read]"))
            continue
        text, extraction = None, "read"
        if kind is DocumentKind.PDF:
            try:
                text, _ = pdf_text(io.BytesIO(data), max_pages=_MAX_PDF_PAGES)
            except UnreadableDocumentError as exc:
                extraction = str(exc)
        else:
            images.append(AttachedImage(doc.name, kind.media_type, data))
        texts.append((doc.name, file_line(kind.value, len(data), text, extraction)))
    return texts, images
