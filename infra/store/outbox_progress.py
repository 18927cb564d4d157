"""The half the two outboxes share: what one attempt writes on its row.

E-mails (infra/store/notifications.py) and webhook deliveries (infra/store/deliveries.py) keep
their attempts in the same columns (infra/tables.py `outbox_progress`): each attempt is counted
and either settles the row (delivered, or dead-lettered with `failed_at`) or schedules the next
one. The statements are built once per verdict; the row's id, the error and the next attempt's
time come with each execute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from claims.delivery import Outcome, Verdict

MAX_ERROR_LENGTH = 500


class Progress(Protocol):
    """What an attempt reads of its row: how far the row's attempts have got."""

    @property
    def attempts(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def period_started_at(self) -> dt.datetime: ...


def clipped(error: str | None) -> str | None:
    return error[:MAX_ERROR_LENGTH] if error else None


def record_statements(
    table: sa.Table,
    *,
    key: sa.ColumnElement[Any],
    still_open: Sequence[sa.ColumnElement[bool]],
    delivered: Mapping[str, Any],
    dead: Mapping[str, Any] | None = None,
) -> dict[Verdict, sa.Update]:
    """Per verdict, the update one attempt makes on a row still open (never on a settled one):
    counted, then `delivered`, dead-lettered (`failed_at`, and `dead`), or left for a retry."""
    counted = (
        sa.update(table)
        .where(key == sa.bindparam("match_id", type_=sa.BigInteger), *still_open)
        .values(attempts=table.c.attempts + 1)
    )
    return {
        Verdict.DELIVERED: counted.values(**delivered),
        Verdict.DEAD: counted.values(failed_at=sa.func.now(), **(dead or {})),
        Verdict.RETRY: counted,
    }


def outcome_values(row_id: int, outcome: Outcome) -> dict[str, object]:
    """The execute's values for `record_statements`: the row, its error, its next attempt."""
    values: dict[str, object] = {"match_id": row_id, "last_error": clipped(outcome.error)}
    if outcome.verdict is Verdict.RETRY:
        values["next_attempt_at"] = outcome.next_attempt_at
    return values
