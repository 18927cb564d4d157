"""The golden set: its schema, its size and spread, what it holds, and that its labels come from
the rubric (written by the builder from what each row is), never from the service's code."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from claims.assessment import DATA_END
from claims.models import ClaimType
from evaluation.golden import GoldenClaim, Route, Slice, Split, load

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "evaluation" / "dataset" / "claims.jsonl"
MINIMUM_PER_SLICE = {
    Slice.ORDINARY: 100,
    Slice.AROUND_LIMITS: 50,
    Slice.RED_FLAGS: 100,
    Slice.RULE_REJECTS: 40,
    Slice.INJECTION: 60,
    Slice.NON_ENGLISH: 40,
    Slice.DOCUMENTS: 50,
}
LANGUAGES = ("fr", "es", "de", "pt", "it", "nl")


@pytest.fixture(scope="module")
def rows() -> list[GoldenClaim]:
    return load(GOLDEN)


def test_the_file_is_what_the_seeded_script_writes() -> None:
    written = subprocess.run(
        [sys.executable, "-m", "evaluation.dataset.build_golden"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert written == GOLDEN.read_text(), "claims.jsonl is stale: rerun build_golden.py"


def test_the_files_beside_the_set_are_what_the_script_makes(rows: list[GoldenClaim]) -> None:
    from evaluation.dataset.build_golden import build

    made: dict[str, bytes] = {}
    build(made)
    on_disk = {
        str(p.relative_to(GOLDEN.parent)): p.read_bytes()
        for p in (GOLDEN.parent / "files").iterdir()
    }
    assert on_disk == made, "files/ is stale: rerun build_golden.py --write-files"
    named = {d.file for r in rows for d in r.documents if d.file}
    assert named == set(made)
    kinds = {path.rsplit(".", 1)[1] for path in named}
    assert kinds == {"pdf", "png"}


def _only_the_dataset(tree: ast.Module) -> bool:
    """Whether every `evaluation` import of a module is of the dataset beside it."""
    modules = [
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("evaluation")
    ]
    return all(m.startswith("evaluation.dataset") for m in modules)


def test_the_builder_and_its_texts_import_nothing_of_the_service() -> None:
    """Labels come from the rubric as the builder applies it, not from check_policy or the
    offline assessor: a wrong rule in the service must show up as a disagreement."""
    dataset = ROOT / "evaluation" / "dataset"
    for path in [*sorted(dataset.glob("*.py")), *sorted((dataset / "texts").glob("*.py"))]:
        name = path.name
        tree = ast.parse(path.read_text())
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        service = {"claims", "activities", "workflows", "app", "infra", "contracts", "evaluation"}
        # The texts beside the builder (evaluation.dataset) are its own, not the service's.
        imported -= {"evaluation"} if _only_the_dataset(tree) else set()
        assert not imported & service, (name, imported & service)


def test_there_are_enough_claims_texts_slices_types_and_routes(rows: list[GoldenClaim]) -> None:
    assert len(rows) >= 500
    assert len({row.id for row in rows}) == len(rows)
    per_slice = Counter(row.slice for row in rows)
    for slice_name, least in MINIMUM_PER_SLICE.items():
        assert per_slice[slice_name] >= least, slice_name
    descriptions = {row.submission.description for row in rows}
    assert len(descriptions) >= 150 * len(rows) / 500
    assert {row.submission.claim_type for row in rows} == set(ClaimType)
    assert {row.expected_route for row in rows} == set(Route)


def test_forty_texts_in_six_languages_each_used_once(rows: list[GoldenClaim]) -> None:
    foreign = [row for row in rows if row.slice is Slice.NON_ENGLISH]
    assert len(foreign) >= 40
    texts = Counter(row.submission.description for row in foreign)
    assert max(texts.values()) == 1
    languages = Counter(row.why.rsplit(" ", 1)[-1] for row in foreign)
    assert set(languages) == set(LANGUAGES)
    assert min(languages.values()) >= 6


def test_a_held_out_fifth_whose_texts_the_rest_never_uses(rows: list[GoldenClaim]) -> None:
    held = [row for row in rows if row.split is Split.HELD_OUT]
    assert len(held) >= 0.2 * len(rows)
    dev_texts = {row.submission.description for row in rows if row.split is Split.DEV}
    assert not {row.submission.description for row in held} & dev_texts
    assert {row.slice for row in held} == set(Slice)


def test_injections_ride_everywhere_and_in_every_disguise(rows: list[GoldenClaim]) -> None:
    attacks = [row for row in rows if row.slice is Slice.INJECTION]
    in_documents = [r for r in attacks if r.documents]
    assert len(in_documents) >= 10
    texts = " ".join(
        r.submission.description + " ".join(d.text for d in r.documents) for r in attacks
    )
    assert DATA_END in texts  # the prompt's own marker
    assert "\u200b" in texts  # zero-width
    assert "\u0430" in texts  # Cyrillic a for Latin a
    assert any(0xE0000 <= ord(c) <= 0xE007F for c in texts)  # Unicode tags
    assert "SWdub3Jl" in texts  # base64
    assert "Ignorez" in texts
    assert "Negeer" in texts
    assert any(r.submission.claimant.name.startswith("Ada ") for r in attacks)  # in a name
    # A claim trying to steer its assessment meets a person (R4), whatever else it is.
    assert {r.expected_route for r in attacks} == {Route.HUMAN_REVIEW}


def test_rejections_are_hard_rules_and_reviews_say_why(rows: list[GoldenClaim]) -> None:
    for row in rows:
        assert row.why.startswith("R"), row.id
        if row.expected_route is Route.REJECT:
            assert row.slice is Slice.RULE_REJECTS, row.id
            assert row.why.startswith("R1"), row.id
        if row.expected_route is Route.HUMAN_REVIEW:
            assert row.required_reasons, row.id


def test_a_malformed_row_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOLDEN.read_text().splitlines()[0] + "\n" + '{"id": "x"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        load(bad)
