"""Which database errors are worth retrying: an outage pauses a claim, bad data parks it.

Transient: the connection was lost or refused, the server is shutting down or out of
resources, or the transaction lost a serialization race or a deadlock. Retrying these succeeds
once the database is back. Everything else (a data error such as a NUL in text, a constraint
violation that is not an idempotent replay, a bug) fails the same way every time.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy.exc

# SQLSTATE classes and codes that describe the server or the connection, not the statement.
_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")
_TRANSIENT_CODES = frozenset({"55P03"})  # lock_not_available


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__


def sqlstate_of(exc: BaseException) -> str | None:
    for link in _chain(exc):
        code = getattr(link, "sqlstate", None) or getattr(link, "pgcode", None)
        if isinstance(code, str) and code:
            return code
    return None


def is_transient(exc: BaseException) -> bool:
    code = sqlstate_of(exc)
    if code is not None:
        return code.startswith(_TRANSIENT_CLASSES) or code in _TRANSIENT_CODES
    for link in _chain(exc):
        if isinstance(link, OSError | TimeoutError | ConnectionError):
            return True
        if isinstance(link, sqlalchemy.exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, sqlalchemy.exc.InterfaceError | sqlalchemy.exc.OperationalError):
            return True
        if type(link).__module__.startswith("asyncpg") and "Connection" in type(link).__name__:
            return True
    return False


def describe(exc: BaseException) -> str:
    """The error's class and SQLSTATE, never its message: messages carry the statement's
    parameters, which hold claimants' personal data."""
    code = sqlstate_of(exc)
    innermost = list(_chain(exc))[-1]
    name = type(innermost).__name__
    return f"{name} (SQLSTATE {code})" if code else name
