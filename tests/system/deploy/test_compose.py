"""docker-compose.yml, checked without a Docker engine (none runs here).

The file is validated against the compose-spec JSON schema (the copy `check-jsonschema`
vendors), then each property a platform engineer relies on is checked: current Temporal images
configured as 1.30+ needs, setup jobs from mounted scripts, healthchecks that mean something,
ports on loopback, Temporal on its own database role, grace periods above the shutdown settings,
and an environment our prod checks accept once the secrets are given (and refuse, naming them,
when not). The setup scripts themselves run in test_setup_scripts.py.
"""

from __future__ import annotations

import io
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from cli.main import parser
from infra.settings import Settings
from tests.system.deploy.compose_file import ROOT, interpolate, load, service_environment

OUR_SERVICES = {"migrate", "api", "claims-worker", "llm-worker"}
WORKERS = {"claims-worker", "llm-worker"}
SECRETS = {
    "CLAIMS_API_KEYS": "Zq8v1Xr4Lm0Ns7Kt2Pw9Hy3Jd6Fb5Gc1Vx:admin:ops",
    "CLAIMS_ENCRYPTION_KEYS": "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "CLAIMS_DB_PASSWORD": "Xk29vQm7Lp4Ra8Tz",
    "TEMPORAL_DB_PASSWORD": "Hw83nQz1Vb6Ty2Lp",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load()


@pytest.fixture(scope="module")
def compose_schema() -> dict[str, Any]:
    vendored = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    schema: dict[str, Any] = json.loads((vendored / "compose-spec.json").read_text())
    return schema


def schema_errors(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_the_file_is_valid_against_the_compose_spec_schema(compose, compose_schema):
    assert schema_errors(compose, compose_schema) == []


def test_the_schema_check_catches_a_broken_file(compose, compose_schema):
    broken = yaml.safe_load(yaml.safe_dump(compose))
    broken["services"]["api"]["healthcheck"]["tset"] = ["CMD", "true"]
    broken["services"]["temporal"]["depends_on"] = {"temporal-schema": {"condition": "done"}}
    errors = schema_errors(broken, compose_schema)
    assert any("tset" in e for e in errors)
    assert any("done" in e for e in errors)


def test_every_compose_command_works_with_the_secrets_unset():
    # `${VAR:?}` made even `docker compose down` and `logs` fail; now the processes refuse.
    text = (ROOT / "docker-compose.yml").read_text()
    assert ":?" not in text
    interpolate(text, {})  # raises on any required variable


def version(image: str) -> tuple[int, ...]:
    tag = image.rsplit(":", 1)[1]
    return tuple(int(part) for part in tag.split("."))


def test_temporal_images_are_current_and_agree(compose):
    services = compose["services"]
    server = services["temporal"]["image"]
    assert server.startswith("temporalio/server:")
    assert version(server) >= (1, 32, 0)
    for job in ("temporal-schema", "temporal-setup"):
        image = services[job]["image"]
        assert image.startswith("temporalio/admin-tools:")
        assert version(image) == version(server), job  # the schema is the server's
    assert version(services["temporal-ui"]["image"]) >= (2, 54, 0)


def test_the_server_gets_its_dynamic_config_file_mounted(compose):
    temporal = compose["services"]["temporal"]
    path = temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    assert path.startswith("config/dynamicconfig/")
    [mount] = [v for v in temporal["volumes"] if "dynamicconfig" in v]
    source, target, mode = mount.split(":")
    assert (target, mode) == ("/etc/temporal/config/dynamicconfig", "ro")
    config = yaml.safe_load((ROOT / source / Path(path).name).read_text())
    for key, entries in config.items():
        assert re.fullmatch(r"[a-zA-Z]+(\.[a-zA-Z]+)+", key)
        assert all("value" in entry and "constraints" in entry for entry in entries), key


def test_healthchecks_need_no_cli_and_postgres_is_asked_over_tcp(compose):
    services = compose["services"]
    temporal_check = " ".join(services["temporal"]["healthcheck"]["test"])
    assert "temporal " not in temporal_check
    assert "tctl" not in temporal_check
    assert "7233" in temporal_check
    assert "pg_isready -h 127.0.0.1" in " ".join(services["postgres"]["healthcheck"]["test"])
    for name in OUR_SERVICES - {"migrate"}:
        assert services[name]["healthcheck"]["test"] == ["CMD", "claims", "healthcheck"], name


def test_workers_are_healthy_only_while_temporal_answers_them():
    # The image turns the worker heartbeat on (workers/health.py); the API answers /healthz.
    parser = DockerfileParser(fileobj=io.BytesIO((ROOT / "Dockerfile").read_bytes()))
    assert parser.envs["CLAIMS_WORKER_HEALTH_FILE"] == "/tmp/claims-worker.health"


def test_published_ports_are_on_loopback_unless_told_otherwise(compose):
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert interpolate(port, {}).startswith("127.0.0.1:"), name
            assert interpolate(port, {"CLAIMS_BIND_ADDRESS": "0.0.0.0"}).startswith("0.0.0.0:")
    assert not compose["services"]["postgres"].get("ports")


def test_temporal_runs_on_its_own_database_role(compose):
    services = compose["services"]
    app_user = services["postgres"]["environment"]["POSTGRES_USER"]
    roles = services["temporal-db-roles"]["environment"]
    schema = services["temporal-schema"]["environment"]
    server = services["temporal"]["environment"]
    assert roles["TEMPORAL_DB_USER"] == schema["SQL_USER"] == server["POSTGRES_USER"]
    assert server["POSTGRES_USER"] != app_user
    assert server["POSTGRES_PWD"] == schema["SQL_PASSWORD"] == "${TEMPORAL_DB_PASSWORD:-}"
    assert server["DB"] == "postgres12"


def test_startup_order(compose):
    services = compose["services"]

    def after(name: str, dependency: str) -> str:
        return str(services[name]["depends_on"][dependency]["condition"])

    assert after("temporal-db-roles", "postgres") == "service_healthy"
    assert after("temporal-schema", "temporal-db-roles") == "service_completed_successfully"
    assert after("temporal", "temporal-schema") == "service_completed_successfully"
    assert after("temporal-setup", "temporal") == "service_healthy"
    assert after("migrate", "postgres") == "service_healthy"
    for name in ("api", "claims-worker"):
        assert after(name, "migrate") == "service_completed_successfully"
        assert after(name, "temporal-setup") == "service_completed_successfully"
    assert after("llm-worker", "temporal-setup") == "service_completed_successfully"
    for job in ("migrate", "temporal-db-roles", "temporal-schema", "temporal-setup"):
        assert services[job]["restart"].startswith("on-failure"), job


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, duration
    return float(match.group(1))


def test_grace_periods_outlast_the_graceful_shutdown(compose):
    for name in WORKERS:
        service = compose["services"][name]
        graceful = float(service_environment(service, {})["CLAIMS_WORKER_GRACEFUL_SHUTDOWN_S"])
        # Room to stop polling and exit after the in-flight work is done, before SIGKILL.
        assert seconds(service["stop_grace_period"]) >= graceful + 10, name
    llm = service_environment(compose["services"]["llm-worker"], {})
    assert float(llm["CLAIMS_WORKER_GRACEFUL_SHUTDOWN_S"]) > float(llm["CLAIMS_LLM_TIMEOUT_S"])


def test_our_processes_run_one_image_with_valid_commands(compose):
    commands = {}
    for name in OUR_SERVICES:
        service = compose["services"][name]
        assert service["build"] == "."
        assert service["image"] == "claims-service:${CLAIMS_IMAGE_TAG:-latest}"
        commands[name] = service["command"]
        parser().parse_args(service["command"])  # a real `claims` subcommand
    assert commands == {
        "migrate": ["migrate"],
        "api": ["api"],
        "claims-worker": ["worker", "--queue", "claims"],
        "llm-worker": ["worker", "--queue", "llm"],
    }


def test_the_claims_worker_builds_are_named_by_the_image_tag(compose):
    worker = compose["services"]["claims-worker"]
    shell = {"CLAIMS_IMAGE_TAG": "1.4.2"}
    assert service_environment(worker, shell)["CLAIMS_BUILD_ID"] == "1.4.2"
    assert service_environment(worker, {})["CLAIMS_BUILD_ID"] == "latest"
    assert worker["environment"]["CLAIMS_DEPLOYMENT_NAME"] == "claims"


def test_configuration_is_only_environment_known_to_the_settings(compose):
    known = {f"CLAIMS_{name.upper()}" for name in Settings.model_fields}
    for name in OUR_SERVICES:
        service = compose["services"][name]
        environment = service["environment"]
        unknown = {key for key in environment if key.startswith("CLAIMS_")} - known
        assert unknown == set(), f"{name}: {unknown}"
        assert environment["CLAIMS_ENV"] == "prod"
        assert environment["TEMPORAL_ADDRESS"] == "temporal:7233"
        assert "volumes" not in service
        assert "env_file" not in service
    # The model's key reaches the llm worker alone.
    assert "CLAIMS_LLM_API_KEY" in compose["services"]["llm-worker"]["environment"]
    assert "CLAIMS_LLM_API_KEY" not in compose["services"]["api"]["environment"]


def prod_problems(
    compose: dict[str, Any], name: str, shell: dict[str, str], monkeypatch
) -> list[str]:
    for variable, value in service_environment(compose["services"][name], shell).items():
        monkeypatch.setenv(variable, value)
    settings = Settings(_env_file=None)
    return settings.production_problems(
        needs_keys=name == "api", needs_database=name != "llm-worker"
    )


@pytest.mark.parametrize("name", sorted(OUR_SERVICES))
def test_prod_accepts_the_compose_environment_once_the_secrets_are_given(
    compose, name, monkeypatch
):
    assert prod_problems(compose, name, SECRETS, monkeypatch) == []


def test_without_secrets_the_api_refuses_naming_each_one(compose, monkeypatch):
    problems = " ".join(prod_problems(compose, "api", {}, monkeypatch))
    for missing in ("CLAIMS_API_KEYS", "CLAIMS_ENCRYPTION_KEYS", "CLAIMS_DATABASE_URL"):
        assert missing in problems


def test_llm_workers_can_scale_out(compose):
    worker = compose["services"]["llm-worker"]
    # `--scale llm-worker=N` needs no fixed name and no host port.
    assert "container_name" not in worker
    assert "ports" not in worker


def test_the_web_ui_decodes_through_our_codec_with_the_sign_in_cookie(compose):
    ui = compose["services"]["temporal-ui"]
    env = ui["environment"]
    assert env["TEMPORAL_CODEC_ENDPOINT"] == "http://127.0.0.1:8000/codec"
    assert env["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    [published] = ui["ports"]
    ui_port = interpolate(published, {}).split(":")[1]
    api_env = service_environment(compose["services"]["api"], {})
    origins = api_env["CLAIMS_CORS_ALLOWED_ORIGINS"].split(",")
    # The UI's own origin, and no wildcard: the codec answers that page alone.
    assert f"http://127.0.0.1:{ui_port}" in origins
    assert "*" not in origins
