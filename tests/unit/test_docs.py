"""The README and the manual stay true: every shell block is run by a named test or marked as an
example, every link points at a file that exists, and the configuration page is what the
settings models generate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.config_doc import render

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARKER = re.compile(r"<!-- (tested|example): (.+?) -->")
SHELL = re.compile(r"^```(sh|bash|console)\s*$")


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def shell_blocks(page: Path) -> list[tuple[int, str | None]]:
    """(line, the marker line before it or None) for each shell block of the page."""
    lines = page.read_text().splitlines()
    return [
        (number + 1, lines[number - 1] if number else None)
        for number, line in enumerate(lines)
        if SHELL.match(line)
    ]


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_command_block_is_tested_or_marked_as_an_example(page: Path) -> None:
    for line, before in shell_blocks(page):
        marker = MARKER.search(before or "")
        assert marker, f"{_page_id(page)}:{line}: mark the block tested or example"
        if marker.group(1) == "tested":
            for reference in marker.group(2).split(","):
                path, _, name = reference.strip().partition("::")
                test_file = ROOT / path
                assert test_file.is_file(), f"{_page_id(page)}:{line}: no {path}"
                assert f"def {name}(" in test_file.read_text(), (
                    f"{_page_id(page)}:{line}: no test {name} in {path}"
                )


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_link_to_a_file_of_ours_resolves(page: Path) -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{_page_id(page)} links {target}"


def test_the_configuration_page_is_what_the_settings_models_generate() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    assert page == render(), "docs/configuration.md is stale: run `make docs`"


def test_the_readme_stays_a_front_door() -> None:
    assert len((ROOT / "README.md").read_text().splitlines()) <= 160
