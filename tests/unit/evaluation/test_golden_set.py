"""The golden set: its schema, its coverage per slice, and that its labels follow the rubric."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from claims.models import ClaimType
from claims.rules import check_policy
from evaluation.golden import GoldenClaim, Route, Slice, load

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "evals" / "claims.jsonl"
MINIMUM_PER_SLICE = {
    Slice.ORDINARY: 40,
    Slice.AROUND_LIMITS: 30,
    Slice.RED_FLAGS: 40,
    Slice.RULE_REJECTS: 25,
    Slice.INJECTION: 25,
    Slice.NON_ENGLISH: 20,
    Slice.DOCUMENTS: 20,
}


@pytest.fixture(scope="module")
def rows() -> list[GoldenClaim]:
    return load(GOLDEN)


def test_the_file_is_what_the_seeded_script_writes() -> None:
    written = subprocess.run(
        [sys.executable, str(ROOT / "evals" / "build_golden.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert written == GOLDEN.read_text(), "evals/claims.jsonl is stale: rerun build_golden.py"


def test_there_are_enough_claims_in_every_slice_type_and_route(rows: list[GoldenClaim]) -> None:
    assert len(rows) >= 300
    assert len({row.id for row in rows}) == len(rows)
    per_slice = Counter(row.slice for row in rows)
    for slice_name, least in MINIMUM_PER_SLICE.items():
        assert per_slice[slice_name] >= least, slice_name
    assert {row.submission.claim_type for row in rows} == set(ClaimType)
    assert {row.expected_route for row in rows} == set(Route)
    assert any(row.documents for row in rows)


def test_rule_labels_agree_with_the_policy_rules(rows: list[GoldenClaim]) -> None:
    """A claim is labelled `reject` exactly when a hard rule rejects it, naming that rule."""
    for row in rows:
        check = check_policy(row.policy, row.submission)
        if row.expected_route is Route.REJECT:
            assert not check.passed, row.id
            assert row.required_reasons == [str(check.rule)], row.id
        else:
            assert check.passed, row.id


def test_amounts_around_the_limit_sit_on_both_sides_of_it(rows: list[GoldenClaim]) -> None:
    payable = [
        check_policy(row.policy, row.submission).payable_amount
        for row in rows
        if row.slice is Slice.AROUND_LIMITS
    ]
    assert any(p == 5000 for p in payable)
    assert any(5000 < p <= 5000.01 for p in payable)
    assert any(4999.99 <= p < 5000 for p in payable)


def test_every_row_that_must_be_reviewed_says_why(rows: list[GoldenClaim]) -> None:
    for row in rows:
        if row.expected_route is Route.HUMAN_REVIEW:
            assert row.required_reasons, row.id
        assert row.why.startswith("R"), row.id


def test_a_malformed_row_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOLDEN.read_text().splitlines()[0] + "\n" + '{"id": "x"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        load(bad)
