"""A claim's files in the console: shown (thumbnails, framed PDFs) and attached by staff.

The same service as REST (app/services/document_files.py), under the staff member's principal:
the same ownership check when a file is read, the same checks when one is attached. A file is
served to the console's own pages only: framed by our origin, never sniffed, never cached.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from app.console.responses import forbidden, message_page, redirect, signed_out
from app.console.session import Staff, csrf_valid, staff_of
from app.http.deps import services_of, settings_of
from app.http.forms import cross_site
from app.http.uploads import UploadRefusedError, receive_upload
from app.services.errors import ServiceError
from app.services.updates import Known

router = APIRouter()

_INLINE = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


@router.get("/claims/{claim_id}/documents/{document_id}")
async def show_document(request: Request, claim_id: uuid.UUID, document_id: uuid.UUID) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
    try:
        opened = await services_of(request).files.open(staff.key, claim_id, document_id)
    except ServiceError as refused:
        return message_page(request, staff, "No such document", str(refused), refused.status_code)
    row = opened.row
    inline = row.content_type in _INLINE
    headers = {
        "Content-Disposition": "inline" if inline else "attachment",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        # Framed by the claim page, nowhere else; a PDF viewer runs no script of the file's.
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'; sandbox",
        "X-Frame-Options": "SAMEORIGIN",
    }
    media_type = row.content_type if row.object_key else "text/plain; charset=utf-8"
    return StreamingResponse(opened.body, media_type=media_type, headers=headers)


@router.post("/claims/{claim_id}/documents")
async def attach_document(request: Request, claim_id: uuid.UUID) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
    if cross_site(request):
        return forbidden(request, staff)
    try:
        await _attach(request, staff, claim_id)
    except _ForeignFormError:
        return forbidden(request, staff)
    except UploadRefusedError as refused:
        return _refused(request, staff, refused.status, refused.detail)
    except ServiceError as refused:
        return _refused(request, staff, refused.status_code, str(refused))
    return redirect(f"/console/claims/{claim_id}?done=attached#documents-heading")


class _ForeignFormError(Exception):
    """The form's CSRF token is not this session's."""


async def _attach(request: Request, staff: Staff, claim_id: uuid.UUID) -> None:
    files = services_of(request).files
    known = await files.target(staff.key, claim_id)
    async with files.upload_slot(staff.key):
        await _receive_and_take(request, staff, claim_id, known)


async def _receive_and_take(
    request: Request, staff: Staff, claim_id: uuid.UUID, known: Known
) -> None:
    files = services_of(request).files
    settings = settings_of(request)
    with tempfile.TemporaryDirectory(prefix="claims-upload-") as scratch:
        upload = await receive_upload(
            request, Path(scratch), max_file_bytes=settings.documents_max_file_bytes, max_files=1
        )
        # Checked before anything is kept: the token came in the same multipart body.
        if not csrf_valid(staff, upload.fields):
            raise _ForeignFormError
        if not upload.files:
            raise UploadRefusedError(422, "Choose a file to attach.")
        await files.take(staff.key, claim_id, known, upload.files[0])


def _refused(request: Request, staff: Staff, code: int, detail: str) -> Response:
    return message_page(request, staff, "The file was not attached", detail, code)
