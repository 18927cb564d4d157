"""Read models: what a store hands out instead of SQLAlchemy's untyped RowMapping.

A read model is a frozen dataclass whose fields name the columns it carries. A store builds it
with `one` or `every`, so a column the query does not select fails at the store, at once, and
every read past the store is an attribute mypy checks (a `row["…"]` lookup is checked by
nothing). Frozen: what was read is not mistaken for what will be written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.engine import RowMapping

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    Model = TypeVar("Model", bound=DataclassInstance)
else:
    Model = TypeVar("Model")


@cache
def _names(model: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(model))


def read(model: type[Model], row: RowMapping) -> Model:
    """The read model of one row (extra columns are left behind)."""
    return model(**{name: row[name] for name in _names(model)})


def one(model: type[Model], row: RowMapping | None) -> Model | None:
    return read(model, row) if row is not None else None


def every(model: type[Model], rows: Iterable[RowMapping]) -> list[Model]:
    return [read(model, row) for row in rows]
