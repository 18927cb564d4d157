"""Hostile files checked before anything keeps them: images decoded once, PDFs parsed with limits.

Both run in a worker thread (they are CPU work), on a file already bounded by the upload limit.
An image is decoded to prove it is one, turned upright, and encoded again without its metadata
(EXIF, GPS, comments, text chunks): what is stored is pixels only. HEIC becomes JPEG, which every
browser and model reads. A PDF is parsed and every page's content decompressed under limits
well below pypdf's defaults, so a decompression bomb is a refusal, never a process out of memory.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from claims.document_kinds import DocumentKind

# Per decompressed stream, and for all the work of one file: a scanned page's image stream is a
# few MiB; 16 MiB of one stream or 64 MiB of all is a bomb.
_PDF_STREAM_BYTES = 16 * 1024 * 1024
_PDF_WORK_BYTES = 64 * 1024 * 1024
# What the model is given of a PDF's text (about 25 pages of prose).
MAX_TEXT_CHARS = 60_000

_PILLOW_FORMATS = {
    DocumentKind.JPEG: "JPEG",
    DocumentKind.PNG: "PNG",
    DocumentKind.WEBP: "WEBP",
    DocumentKind.HEIC: "HEIF",
}


class UnreadableDocumentError(ValueError):
    """The file is not the kind it starts as, is damaged, or is over a limit (the reason)."""


@dataclass(frozen=True)
class Inspected:
    """What is kept of an upload: its kind (HEIC arrives, JPEG is kept) and the file."""

    kind: DocumentKind
    path: Path
    pages: int | None = None


def inspect(
    path: Path, kind: DocumentKind, *, max_pixels: int, max_pdf_pages: int, scratch: Path
) -> Inspected:
    """Check the file; return what to store. Raises UnreadableDocumentError saying why."""
    if kind is DocumentKind.PDF:
        pages = pdf_text(path, max_pages=max_pdf_pages)[1]
        return Inspected(kind, path, pages)
    if kind.is_image:
        return _clean_image(path, kind, max_pixels=max_pixels, scratch=scratch)
    raise UnreadableDocumentError(f"{kind} is not a file kind")


def _clean_image(path: Path, kind: DocumentKind, *, max_pixels: int, scratch: Path) -> Inspected:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if kind is DocumentKind.HEIC:
        import pillow_heif

        pillow_heif.register_heif_opener()
    with warnings.catch_warnings():
        # Pillow warns of a decompression bomb past its own limit; ours is lower, and refuses.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[_PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise UnreadableDocumentError(
                        f"the image is {width}x{height} pixels; the limit is {max_pixels:,} pixels"
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, UnreadableDocumentError):
                raise
            raise UnreadableDocumentError(f"not a readable {kind.name} image") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnreadableDocumentError("the image is a decompression bomb") from exc
    kept = DocumentKind.JPEG if kind is DocumentKind.HEIC else kind
    out = scratch / f"{path.name}.clean.{kept.value}"
    # Saved without `exif`, `icc_profile` or text chunks: only the pixels go on.
    if kept is DocumentKind.JPEG:
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90)
    elif kept is DocumentKind.PNG:
        upright.save(out, "PNG")
    else:
        upright.save(out, "WEBP", quality=90)
    return Inspected(kept, out)


def pdf_text(path: Path | BinaryIO, *, max_pages: int) -> tuple[str, int]:
    """(the PDF's text, at most MAX_TEXT_CHARS, and its page count), every page decompressed."""
    import pypdf
    from pypdf.errors import LimitReachedError, PyPdfError

    limits = {
        "zlib_maximum_output_length": _PDF_STREAM_BYTES,
        "lzw_maximum_output_length": _PDF_STREAM_BYTES,
        "run_length_maximum_output_length": _PDF_STREAM_BYTES,
        "jbig2_maximum_output_length": _PDF_STREAM_BYTES,
        "brotli_maximum_output_length": _PDF_STREAM_BYTES,
        "array_based_stream_maximum_output_length": _PDF_STREAM_BYTES,
        "maximum_declared_stream_length": _PDF_STREAM_BYTES,
        "image_maximum_buffer_size": _PDF_STREAM_BYTES,
        "stream_decoding_work_maximum_length": _PDF_WORK_BYTES,
    }
    try:
        with pypdf.apply_configuration(None, **limits), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(path, strict=False)
            if reader.is_encrypted:
                raise UnreadableDocumentError("the PDF is encrypted (send it without a password)")
            pages = len(reader.pages)
            if pages > max_pages:
                raise UnreadableDocumentError(
                    f"the PDF has {pages} pages; the limit is {max_pages}"
                )
            texts: list[str] = []
            length = 0
            for page in reader.pages:
                # Decompressed even past the text we keep: a bomb on the last page is found too.
                text = page.extract_text() or ""
                if length < MAX_TEXT_CHARS:
                    texts.append(text[: MAX_TEXT_CHARS - length])
                    length += len(texts[-1])
    except UnreadableDocumentError:
        raise
    except LimitReachedError as exc:
        raise UnreadableDocumentError("the PDF decompresses past our limits (a PDF bomb)") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UnreadableDocumentError("not a readable PDF") from exc
    return "\n".join(texts).strip(), pages
