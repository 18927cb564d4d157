"""The API's one error vocabulary: why a request was not done, as the services say it.

Services and routes raise these (never HTTPException); each carries its HTTP status so that
app/http/errors.py answers it as a problem, and the service itself never builds a response.
"""

from __future__ import annotations

# How long a caller waits before asking again when the claim will answer soon.
RETRY_AFTER_S = 1


class ServiceError(Exception):
    status_code = 409
    retry_after_s: int | None = None
    field: str | None = None

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(ServiceError):
    """No such claim or subscription, or not the caller's to see (one answer on purpose)."""

    status_code = 404


class ForbiddenError(ServiceError):
    """The caller may see the claim but may not do this to it (segregation of duties)."""

    status_code = 403


class ConflictError(ServiceError):
    """The claim is in a state that does not take the command."""

    status_code = 409


class CatchingUpError(ConflictError):
    """Not yet: the claim will take the command in a moment (its row is ahead of it)."""

    retry_after_s = RETRY_AFTER_S


class MovedOnError(ConflictError):
    """Someone else's decision reached the claim first. Who, what and when, as far as known:
    the claim's service fills them from its audit trail when the refusal did not say."""

    def __init__(
        self,
        detail: str,
        *,
        by: str | None = None,
        decision: str | None = None,
        approved_amount: str | None = None,
        at: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.by = by
        self.decision = decision
        self.approved_amount = approved_amount
        self.at = at


class InvalidFieldError(ServiceError):
    """The request's input is wrong (a 422 naming the field, where it was: body or query)."""

    status_code = 422

    def __init__(self, field: str, detail: str, *, location: str = "body") -> None:
        super().__init__(detail)
        self.field = field
        self.location = location


class BadRequestError(ServiceError):
    """The request cannot be taken as it is, for a reason that is no single field's."""

    status_code = 400


class TooLargeError(ServiceError):
    status_code = 413


class TemporalUnavailableError(ServiceError):
    status_code = 503
    retry_after_s = 5


class ClaimNotReadyError(ServiceError):
    """Temporal could not hand the request to the claim's workflow just now (its workflow task
    failed or timed out, and is being retried): nothing was taken, the same request will be."""

    status_code = 503
    retry_after_s = RETRY_AFTER_S


class UnavailableError(ServiceError):
    """Something the request needs is not there right now."""

    status_code = 503


class UnsupportedMediaError(ServiceError):
    """The file is not of a kind we take (decided by its content, never its name)."""

    status_code = 415


class BusyError(ServiceError):
    """The caller has as much in flight as it may: it waits its turn (others are not slowed)."""

    status_code = 429
    retry_after_s = 2


class MethodNotAllowedError(ServiceError):
    """The path exists, for other methods (`Allow` names them)."""

    status_code = 405

    def __init__(self, allowed: str) -> None:
        super().__init__(f"this path takes {allowed} only")
        self.allowed = allowed
