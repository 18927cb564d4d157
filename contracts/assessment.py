"""The assessment activity on the llm queue: the claim's facts in, a validated answer out.

Data definitions only.
"""

from __future__ import annotations

import uuid

from claims.assessment import ClaimFacts, ModelAnswer
from claims.decisions import ModelFacts
from contracts.base import Contract


class AssessmentInput(Contract):
    claim_id: uuid.UUID
    facts: ClaimFacts
    # Only ids: document text lives in Postgres and is read by the llm worker, never carried
    # through workflow history.
    document_ids: list[uuid.UUID] = []
    # A shadow assessment names its candidate; production's leave these to the llm worker.
    model: str | None = None
    prompt_version: str | None = None


class AssessmentResult(Contract):
    """A validated answer, or `answer=None` with the reason the model's output was unusable."""

    answer: ModelAnswer | None
    invalid_reason: str | None = None
    model: ModelFacts
    # Models of the chain that failed before `model` answered, with the kind of failure.
    model_faults: list[str] = []


class ReadDocumentsInput(Contract):
    """The claim's files to read for the model (by id; the bytes stay in object storage)."""

    claim_id: uuid.UUID
    document_ids: list[uuid.UUID]


class ReadDocumentsResult(Contract):
    """How many files were read, and how many could not be (each recorded on its row)."""

    read: int = 0
    unreadable: int = 0
