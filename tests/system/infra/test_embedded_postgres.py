"""The embedded Postgres of `claims dev` asks for a password, even on loopback."""

from __future__ import annotations

import stat
from pathlib import Path

import asyncpg
import pytest

from devstack.postgres import HOST, SUPERUSER, EmbeddedPostgres
from devstack.processes import free_port


async def test_a_generated_password_is_required(tmp_path: Path) -> None:
    server = EmbeddedPostgres(
        tmp_path / "pgdata", port=free_port(), log_path=tmp_path / "pg.log", durable=False
    )
    child = server.child()
    child.start()
    try:
        await server.wait_ready(child)
        password = server.password
        assert password is not None
        assert len(password) >= 24
        assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
        assert password in server.url()
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(host=HOST, port=server.port, user=SUPERUSER, password="guess")
        with pytest.raises(
            (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError)
        ):
            await asyncpg.connect(host=HOST, port=server.port, user=SUPERUSER)
        conn = await asyncpg.connect(host=HOST, port=server.port, user=SUPERUSER, password=password)
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
    finally:
        child.stop()
