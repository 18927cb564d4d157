"""Real Postgres errors, classified: an outage is transient, bad data is permanent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from devstack.processes import free_port
from infra import db_errors as failures

# What a failed statement or connection raises through SQLAlchemy's asyncpg dialect.
_DATABASE_ERRORS = (sa.exc.DBAPIError, OSError)


async def _error_of(engine: AsyncEngine, statement: str, **params: object) -> Exception:
    with pytest.raises(_DATABASE_ERRORS) as caught:
        async with engine.begin() as conn:
            await conn.execute(sa.text(statement), params)
    assert isinstance(caught.value, Exception)
    return caught.value


@pytest.mark.parametrize(
    ("statement", "params", "sqlstate"),
    [
        ("SELECT CAST(:x AS text)", {"x": "nul \u0000 inside"}, "22021"),
        ("SELECT 1 / 0", {}, "22012"),
        ("SELECT CAST('x' AS integer)", {}, "22P02"),
        ("SELECT * FROM no_such_table", {}, "42P01"),
    ],
)
async def test_data_and_statement_errors_are_permanent(
    engine: AsyncEngine, statement: str, params: dict[str, object], sqlstate: str
) -> None:
    error = await _error_of(engine, statement, **params)
    assert failures.sqlstate_of(error) == sqlstate
    assert not failures.is_transient(error)
    # The description names the error, never the statement's parameters.
    assert "nul" not in failures.describe(error)
    assert sqlstate in failures.describe(error)


async def test_a_unique_violation_is_permanent(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TEMP TABLE once (x int PRIMARY KEY)"))
        await conn.execute(sa.text("INSERT INTO once VALUES (1)"))
        with pytest.raises(_DATABASE_ERRORS) as caught:
            await conn.execute(sa.text("INSERT INTO once VALUES (1)"))
    assert failures.sqlstate_of(caught.value) == "23505"
    assert not failures.is_transient(caught.value)


@pytest.mark.parametrize(
    ("sqlstate", "meaning"),
    [
        ("40001", "serialization failure"),
        ("40P01", "deadlock"),
        ("57P01", "admin shutdown"),
        ("53300", "too many connections"),
        ("08006", "connection failure"),
    ],
)
async def test_outage_and_race_errors_are_transient(
    engine: AsyncEngine, sqlstate: str, meaning: str
) -> None:
    statement = f"DO $$ BEGIN RAISE EXCEPTION '{meaning}' USING ERRCODE = '{sqlstate}'; END $$"
    error = await _error_of(engine, statement)
    assert failures.sqlstate_of(error) == sqlstate
    assert failures.is_transient(error)


async def test_a_refused_connection_is_transient() -> None:
    nowhere = create_async_engine(f"postgresql+asyncpg://x:y@127.0.0.1:{free_port()}/none")
    try:
        error = await _error_of(nowhere, "SELECT 1")
    finally:
        await nowhere.dispose()
    assert failures.is_transient(error)


async def test_a_terminated_session_is_transient(engine: AsyncEngine) -> None:
    async with engine.connect() as victim:
        pid = (await victim.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
        async with engine.begin() as admin:
            await admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(_DATABASE_ERRORS) as caught:
            await victim.execute(sa.text("SELECT 1"))
    assert failures.is_transient(caught.value)
