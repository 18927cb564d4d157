"""A claim's documents: a file (multipart) or a text (JSON) sent in, a document read back.

Who may: the claim's owner, adjusters and admins (an adjuster attaches what arrived by post).
The claim is checked before a byte of an upload is read; the file is counted as it arrives
(app/http/uploads.py), typed by its content and checked (app/services/document_files.py).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from app.http.auth import AnyCaller
from app.http.deps import CommandsDep as Commands
from app.http.deps import FilesDep as Files
from app.http.deps import SettingsDep
from app.http.openapi import AUTHENTICATED, CLAIM_SCOPED, ROLE_CHECKED, TEMPORAL_NEEDED, WITH_BODY
from app.http.problems import Problem
from app.http.uploads import UploadRefusedError, receive_files, refusal
from app.schemas import DocumentIn, DocumentOut
from app.services.errors import (
    TooLargeError,
)
from claims.document_kinds import ACCEPTED

router = APIRouter(
    prefix="/v1/claims",
    tags=["documents"],
    responses=AUTHENTICATED | ROLE_CHECKED | CLAIM_SCOPED,
)

_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": f"one file: {ACCEPTED}, typed by its content",
                    }
                },
                "required": ["file"],
            }
        },
        "application/json": {"schema": DocumentIn.model_json_schema()},
    },
}

# Shown inline (photos, PDFs: the console frames them); anything else only as an attachment.
_INLINE = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


@router.post(
    "/{claim_id}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses=WITH_BODY
    | TEMPORAL_NEEDED
    | {
        200: {"model": DocumentOut, "description": "the claim has this file already: that one"},
        202: {
            "model": DocumentOut,
            "description": "stored; the claim has not taken it in yet (poll the claim)",
        },
        409: {"model": Problem, "description": "the claim is settled, or holds its most files"},
        413: {"model": Problem, "description": "the file is over its limit (named)"},
        415: {"model": Problem, "description": f"the file is not a {ACCEPTED}"},
        429: {"model": Problem, "description": "four of your uploads are in flight already"},
    },
)
async def add_document(
    claim_id: uuid.UUID,
    request: Request,
    caller: AnyCaller,
    commands: Commands,
    files: Files,
    settings: SettingsDep,
    response: Response,
) -> DocumentOut:
    """Add a file (`multipart/form-data`, field `file`) or a text (JSON) to the claim.

    A claim awaiting information is assessed again. The same file twice is one document (200).
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/"):
        body = await _text_document(request, settings.max_document_body_bytes)
        text_outcome = await commands.add_document(
            caller, claim_id, name=body.name, content_type=body.content_type, text=body.text
        )
        if text_outcome.pending:
            _pending(response, claim_id)
        return text_outcome.document
    known = await files.target(caller, claim_id)
    async with files.upload_slot(caller):
        with tempfile.TemporaryDirectory(prefix="claims-upload-") as scratch:
            try:
                received = await receive_files(
                    request,
                    Path(scratch),
                    max_file_bytes=settings.documents_max_file_bytes,
                    max_files=1,
                )
            except UploadRefusedError as refused:
                raise refusal(refused) from None
            outcome = await files.take(caller, claim_id, known, received[0])
    if outcome.duplicate:
        response.status_code = status.HTTP_200_OK
    elif outcome.pending:
        _pending(response, claim_id)
    return outcome.document


async def _text_document(request: Request, limit: int) -> DocumentIn:
    # The route's byte limit is a file's: a JSON text is held to its own, smaller one.
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise TooLargeError(f"request body is larger than the limit of {limit} bytes")
    # Parsed as FastAPI parses a JSON body (json.loads, then the model), so a text sent as a
    # file-less JSON body meets the same rules and errors as every other JSON route.
    try:
        parsed = json.loads(raw)
    except ValueError as exc:
        error = {"loc": ("body", 0), "msg": f"JSON decode error: {exc}", "type": "json_invalid"}
        raise RequestValidationError([error]) from None
    try:
        return DocumentIn.model_validate(parsed)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def _pending(response: Response, claim_id: uuid.UUID) -> None:
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/v1/claims/{claim_id}"


@router.get(
    "/{claim_id}/documents/{document_id}",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the document's bytes, as it was stored (an image without its metadata)",
            "content": {"application/octet-stream": {}},
        },
        404: {"model": Problem, "description": "no such document on a claim you may see"},
    },
)
async def download_document(
    claim_id: uuid.UUID, document_id: uuid.UUID, caller: AnyCaller, files: Files
) -> StreamingResponse:
    """The document's bytes, decrypted as they stream; never a bucket URL."""
    opened = await files.open(caller, claim_id, document_id)
    row = opened.row
    disposition = "inline" if row.content_type in _INLINE else "attachment"
    ascii_name = row.name.encode("ascii", "replace").decode().replace('"', "_")
    headers = {
        "Content-Disposition": f'{disposition}; filename="{ascii_name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Length": str(row.size_bytes),
    }
    media_type = row.content_type if row.object_key else "text/plain; charset=utf-8"
    if not row.object_key:
        headers.pop("Content-Length")
    return StreamingResponse(opened.body, media_type=media_type, headers=headers)
