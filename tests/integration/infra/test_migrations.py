from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.tables import metadata


async def test_migrated_schema_matches_the_table_definitions(conn: AsyncConnection):
    def diff(sync_conn: Connection) -> list[Any]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        differences: list[Any] = compare_metadata(context, metadata)
        return differences

    assert await conn.run_sync(diff) == []
