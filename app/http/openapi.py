"""The error responses each route can give, documented in the OpenAPI schema.

Clients, generated clients and fuzzers read the schema: a status code the API can return but
does not document misleads all three.
"""

from __future__ import annotations

from typing import Any

from app.http.problems import Problem


def _error(description: str) -> dict[str, Any]:
    # Documented as application/problem+json by app.http.problems.document.
    return {"model": Problem, "description": description}


AUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: _error("missing or invalid API key (checked before the body is read)"),
    429: _error(
        "too many failed sign-ins from this address or with this key; wait `Retry-After` seconds"
    ),
}
ROLE_CHECKED: dict[int | str, dict[str, Any]] = {403: _error("the API key's role may not do this")}
WITH_BODY: dict[int | str, dict[str, Any]] = {
    400: _error("the body could not be parsed"),
    413: _error("the body is larger than the route's limit (bytes read, chunked too)"),
}
CLAIM_SCOPED: dict[int | str, dict[str, Any]] = {404: _error("no such claim")}
TEMPORAL_NEEDED: dict[int | str, dict[str, Any]] = {
    503: _error(
        "Temporal is unavailable, or the claim's workflow cannot take the request just now; "
        "retry after Retry-After"
    ),
}
