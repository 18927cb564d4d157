"""Why a command was not done, as the service layer says it (app/commands.py,
app/subscriptions.py).

Each carries its HTTP status so that app/errors.py can answer it as a problem; the service
itself never builds a response.
"""

from __future__ import annotations

# How long a caller waits before asking again when the claim will answer soon.
RETRY_AFTER_S = 1


class CommandError(Exception):
    status_code = 409
    retry_after_s: int | None = None
    field: str | None = None

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(CommandError):
    """No such claim or subscription, or not the caller's to see (one answer on purpose)."""

    status_code = 404


class ForbiddenError(CommandError):
    """The caller may see the claim but may not do this to it (segregation of duties)."""

    status_code = 403


class ConflictError(CommandError):
    """The claim is in a state that does not take the command."""

    status_code = 409


class CatchingUpError(ConflictError):
    """Not yet: the claim will take the command in a moment (its row is ahead of it)."""

    retry_after_s = RETRY_AFTER_S


class InvalidFieldError(CommandError):
    """The command's input is wrong for this claim (a 422 naming the field)."""

    status_code = 422

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class TooLargeError(CommandError):
    status_code = 413


class TemporalUnavailableError(CommandError):
    status_code = 503
    retry_after_s = 5
