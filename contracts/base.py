"""The one base of everything that crosses Temporal, and typed references to activities and
workflows.

Data definitions only: this package passes through the workflow sandbox
(`workflows/sandbox.py`), so nothing here may do I/O or read a clock. Unknown fields are ignored
(pydantic's default), so workers one release apart read each other during a rolling deploy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """A payload that crosses Temporal: frozen, so a message cannot change on its way."""

    model_config = ConfigDict(frozen=True)


In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out")


@dataclass(frozen=True)
class ActivityRef(Generic[In, Out]):
    """An activity's name typed with its input and result, so a workflow's call is checked.

    Workflows call activities by name (their implementations do I/O and stay out of the
    sandbox, or run on another worker); this pairs each name with its types, so mypy sees what
    goes in and comes out, and the implementations register under the same name.
    """

    name: str
    result_type: type[Out]


@dataclass(frozen=True)
class WorkflowRef(Generic[In, Out]):
    """A workflow's type name with its input and result: what clients and parents start."""

    name: str
    result_type: type[Out]
