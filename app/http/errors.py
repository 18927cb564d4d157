"""Mapping Temporal's answers to HTTP errors, and every error to a problem+json response."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import Any

from fastapi import Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.http.problems import PROBLEM_JSON, invalid_fields, problem
from app.services.errors import InvalidFieldError, MethodNotAllowedError, ServiceError
from infra import db_errors as failures

log = logging.getLogger(__name__)


# A 422 names each offending field and says what is wrong with it, and nothing more: echoing
# the input would let a 5 MB body come back as a 31 MB error, and an unencodable character
# in it would break the error response itself.
MAX_REPORTED_ERRORS = 20
_MAX_LOC_PART = 64
_MAX_MESSAGE = 300


def _printable(part: object, limit: int) -> str | int:
    if isinstance(part, int):
        return part
    text = str(part).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def concise_validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """FastAPI's error list cut down to `loc`, `msg` and `type`, bounded in count and size."""
    concise = [
        {
            "loc": [_printable(part, _MAX_LOC_PART) for part in error.get("loc", ())],
            "msg": _printable(error.get("msg", "invalid"), _MAX_MESSAGE),
            "type": _printable(error.get("type", "value_error"), _MAX_LOC_PART),
        }
        for error in errors[:MAX_REPORTED_ERRORS]
    ]
    if len(errors) > MAX_REPORTED_ERRORS:
        concise.append(
            {
                "loc": [],
                "msg": f"{len(errors) - MAX_REPORTED_ERRORS} more errors not shown",
                "type": "too_many_errors",
            }
        )
    return concise


def problem_response(
    request: Request,
    status_code: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem(status_code, detail, request.url.path, errors),
        status_code=status_code,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = concise_validation_errors(
        exc.errors() if isinstance(exc, RequestValidationError) else []
    )
    return problem_response(
        request, status.HTTP_422_UNPROCESSABLE_CONTENT, invalid_fields(errors), errors=errors
    )


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Every HTTPException (ours, FastAPI's, Starlette's 404/405) as a problem."""
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover - registered for it
        return await on_unexpected_error(request, exc)
    headers = getattr(exc, "headers", None)
    if isinstance(exc.detail, list):  # field_error: a 422 with its fields
        errors = concise_validation_errors(exc.detail)
        return problem_response(
            request, exc.status_code, invalid_fields(errors), errors=errors, headers=headers
        )
    return problem_response(request, exc.status_code, str(exc.detail), headers=headers)


async def on_service_error(request: Request, exc: Exception) -> JSONResponse:
    """A request a service or a route refused (app/services/errors.py), as a problem."""
    if not isinstance(exc, ServiceError):  # pragma: no cover - registered for it
        return await on_unexpected_error(request, exc)
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
    if isinstance(exc, MethodNotAllowedError):
        headers = {"Allow": exc.allowed}
    if isinstance(exc, InvalidFieldError):
        errors = concise_validation_errors(
            [{"loc": [exc.location, exc.field], "msg": exc.detail, "type": "value_error"}]
        )
        return problem_response(
            request, exc.status_code, invalid_fields(errors), errors=errors, headers=headers
        )
    return problem_response(request, exc.status_code, exc.detail, headers=headers)


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The error's class and where it was raised, never its message: a database or provider
    # message can quote a claimant's data or a key. The caller learns nothing of internals.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error(
        "unhandled %s on %s %s\n%s",
        failures.describe(exc),
        request.method,
        request.url.path,
        frames,
    )
    return problem_response(request, 500, "internal error")
