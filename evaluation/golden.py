"""The golden set's rows: a claim, its policy, its documents, and what a good answer does.

Labels follow the rubric in evaluation/dataset/README.md: a hard policy rule rejects; a red flag,
or a payable amount over the auto-approve limit, sends the claim to a person; anything else is
approved automatically. Text inside a claim never changes its label.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from claims.models import ClaimSubmission, Policy


class Slice(StrEnum):
    ORDINARY = "ordinary"
    AROUND_LIMITS = "around_limits"
    RED_FLAGS = "red_flags"
    RULE_REJECTS = "rule_rejects"
    INJECTION = "injection"
    NON_ENGLISH = "non_english"
    DOCUMENTS = "documents"


class Split(StrEnum):
    """`dev`: rows anyone may look at while changing the offline assessor or the prompt;
    `held_out`: rows (and texts) nobody tunes against, reported apart."""

    DEV = "dev"
    HELD_OUT = "held_out"


class Route(StrEnum):
    """The outcome the pipeline reaches: the three ways a claim can leave assessment."""

    AUTO_APPROVE = "auto_approve"
    HUMAN_REVIEW = "human_review"
    REJECT = "reject"


class GoldenDocument(BaseModel):
    """A text, or a file beside the set (`file`, relative to the set's folder; `path` once
    loaded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    text: str = ""
    file: str | None = None
    path: Path | None = Field(default=None, exclude=True)


class GoldenClaim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z_]+-\d{3}$")
    slice: Slice
    split: Split = Split.DEV
    submission: ClaimSubmission
    policy: Policy
    documents: list[GoldenDocument] = []
    expected_route: Route
    # What a good answer must name (a rule, a risk flag, a routing reason): the dataset's README.
    required_reasons: list[str] = []
    # Which rubric rule gives the label, in a sentence.
    why: str
    # What the claimant sends if the investigating model asks them (a document), or nothing;
    # and the route a process that asked and read it reaches (the rubric applied to the claim
    # with the answer). A candidate that never asks is judged by `expected_route`.
    claimant_answer: GoldenDocument | None = None
    answered_route: Route | None = None

    def label_for(self, asked: bool) -> Route:
        """The right route for a candidate that asked the claimant (or did not)."""
        if asked and self.answered_route is not None:
            return self.answered_route
        return self.expected_route


def load(path: Path) -> list[GoldenClaim]:
    """Every row of a golden set file (JSON lines); a bad row fails with its line number."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = GoldenClaim.model_validate_json(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
        documents = [
            d.model_copy(update={"path": path.parent / d.file}) if d.file else d
            for d in row.documents
        ]
        rows.append(row.model_copy(update={"documents": documents}))
    return rows
