"""Errors as RFC 9457 problem details: one shape, `application/problem+json`, on every route.

    {"type": "about:blank", "title": "Conflict", "status": 409,
     "detail": "claim is paid; it can no longer be cancelled", "instance": "/v1/claims/…/cancel"}

`about:blank` says the status code is the whole of the problem's type, and `title` is then its
phrase (RFC 9457 §4.2.1); `detail` says what went wrong with this request, `instance` which
request it was (its path). A 422 adds `errors`: each offending field, as `loc`, `msg`, `type`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel

PROBLEM_JSON = "application/problem+json"
# The path is the caller's own bytes: echoed, but bounded.
_MAX_INSTANCE = 300
_FIELDS_NAMED = 5
# RFC 9110's names, whichever Python's http module is older than them (3.11 says "Request
# Entity Too Large"): a title must not change with the interpreter.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An error response (RFC 9457 problem details)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str


class ValidationProblem(Problem):
    """A 422: the problem, and each offending field (at most 20, then how many more)."""

    errors: list[FieldError]


def problem(
    status: int, detail: str, instance: str, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The body of a problem response."""
    if len(instance) > _MAX_INSTANCE:
        instance = instance[: _MAX_INSTANCE - 1] + "…"
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def invalid_fields(errors: list[dict[str, Any]]) -> str:
    """The `detail` of a 422: which fields are wrong (the `errors` say how)."""
    fields = [".".join(str(part) for part in error["loc"]) for error in errors if error["loc"]]
    if not fields:
        return "the request is invalid"
    named = ", ".join(fields[:_FIELDS_NAMED])
    more = f" and {len(fields) - _FIELDS_NAMED} more" if len(fields) > _FIELDS_NAMED else ""
    noun = "field" if len(fields) == 1 else "fields"
    return f"invalid {noun}: {named}{more}"


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document say what the handlers send: every error a problem+json.

    FastAPI documents an error's model as `application/json`, and its own 422 as
    `HTTPValidationError`; both are rewritten here, once (the document is cached).
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ValidationProblem" in components:
        return schema
    validation = ValidationProblem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(validation.pop("$defs", {}))
    components["ValidationProblem"] = validation
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if not str(code).startswith(("4", "5")) or "content" not in response:
                    continue
                content = response["content"].pop("application/json", None)
                if content is None:
                    continue
                if content.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                    content["schema"] = {"$ref": "#/components/schemas/ValidationProblem"}
                response["content"][PROBLEM_JSON] = content
    return schema
