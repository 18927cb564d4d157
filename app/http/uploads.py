"""A multipart upload read as a stream: each file counted and hashed as its bytes arrive.

Starlette's form parser reads the whole body before a route sees it. This one is fed the body
chunk by chunk, writes each file part to a scratch file of its own (never memory), and stops the
moment a file passes its limit, with an error naming the file: a 200 MB upload costs the API one
chunk of memory and the scratch file up to the limit, then a 413.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from app.services.document_files import ReceivedFile
from app.services.errors import (
    BadRequestError,
    InvalidFieldError,
    ServiceError,
    TooLargeError,
    UnsupportedMediaError,
)
from claims.document_kinds import SNIFF_BYTES

# Text fields beside the files (the console's CSRF token; a submission's claim, bigger): each
# bounded, and only a few of them.
_MAX_FIELD_BYTES = 4 * 1024
_MAX_FIELDS = 8
_SAFE_NAME = re.compile(r"[^\w .,()+-]")


class UploadRefusedError(Exception):
    """The upload cannot be taken: the HTTP status and what to tell the caller."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def refusal(error: UploadRefusedError) -> ServiceError:
    """The service error an upload's refusal is, for the API's one error mapping."""
    if error.status == 413:
        return TooLargeError(error.detail)
    if error.status == 415:
        return UnsupportedMediaError(error.detail)
    if error.status == 422:
        return InvalidFieldError("file", error.detail)
    return BadRequestError(error.detail)


def safe_name(raw: str) -> str:
    """A file name fit to show and to put in a header: no path, no control characters."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip(" .")[:200]
    return cleaned or "document"


class _Parts:
    """The parser's callbacks: which part is open, and where its bytes go."""

    def __init__(
        self, scratch: Path, *, max_file_bytes: int, max_files: int, max_field_bytes: int
    ) -> None:
        self.scratch = scratch
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.max_field_bytes = max_field_bytes
        self._parts = 0
        self.files: list[ReceivedFile] = []
        # Small text fields beside the files (the console's CSRF token), decoded at the end.
        self.fields: dict[str, bytearray] = {}
        self._field: bytearray | None = None
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._current: ReceivedFile | None = None
        self._out: BinaryIO | None = None
        self._field_bytes = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._parts += 1
        if self._parts > self.max_files + _MAX_FIELDS:
            raise UploadRefusedError(413, "too many parts in the request")
        self._headers = {}
        self._current = None
        self._field = None
        self._field_bytes = 0

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        if filename is None:
            # A plain field: kept (bounded in _data) under its name.
            name = options.get(b"name", b"").decode("utf-8", "replace")
            self._field = self.fields.setdefault(name, bytearray())
            return
        if len(self.files) >= self.max_files:
            raise UploadRefusedError(
                413, f"more than {self.max_files} files in one request; send them separately"
            )
        name = safe_name(filename.decode("utf-8", "replace"))
        received = ReceivedFile(name=name, path=self.scratch / f"upload-{len(self.files)}")
        self.files.append(received)
        self._current = received
        self._out = received.path.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        current = self._current
        if current is None or self._out is None:
            self._field_bytes += len(chunk)
            if self._field_bytes > self.max_field_bytes:
                raise UploadRefusedError(
                    413, f"a form field is larger than {self.max_field_bytes} bytes"
                )
            if self._field is not None:
                self._field += chunk
            return
        current.size += len(chunk)
        if current.size > self.max_file_bytes:
            raise UploadRefusedError(
                413,
                f"file {current.name!r} is larger than the limit of {self.max_file_bytes} bytes",
            )
        if len(current.head) < SNIFF_BYTES:
            current.head += chunk[: SNIFF_BYTES - len(current.head)]
        current.digest.update(chunk)
        self._out.write(chunk)

    def _end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self._current = None

    def close(self) -> None:
        self._end()


@dataclass(frozen=True)
class Upload:
    files: list[ReceivedFile]
    fields: dict[str, str]


async def receive_upload(
    request: Request,
    scratch: Path,
    *,
    max_file_bytes: int,
    max_files: int,
    max_field_bytes: int = _MAX_FIELD_BYTES,
) -> Upload:
    """The request's file parts, each on disk under `scratch`, and its small text fields;
    raises UploadRefusedError."""
    media_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise UploadRefusedError(415, "send files as multipart/form-data with a boundary")
    parts = _Parts(
        scratch,
        max_file_bytes=max_file_bytes,
        max_files=max_files,
        max_field_bytes=max_field_bytes,
    )
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise UploadRefusedError(400, f"the multipart body is malformed: {exc}") from None
    finally:
        parts.close()
    fields = {k: v.decode("utf-8", "replace") for k, v in parts.fields.items()}
    return Upload(parts.files, fields)


async def receive_files(
    request: Request, scratch: Path, *, max_file_bytes: int, max_files: int
) -> list[ReceivedFile]:
    """The request's file parts (at least one), each on disk under `scratch`."""
    upload = await receive_upload(
        request, scratch, max_file_bytes=max_file_bytes, max_files=max_files
    )
    if not upload.files:
        raise UploadRefusedError(422, "file: no file part in the request")
    return upload.files
