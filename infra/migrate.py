"""`claims migrate`: bring the database schema to the latest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations
from infra.db import async_url


def alembic_config(database_url: str) -> Config:
    """An alembic config that works from a source checkout and from an installed package."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # `%` is alembic's interpolation character; URLs may carry percent-escapes.
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Run `alembic upgrade` (blocking; call it from a thread inside an event loop)."""
    command.upgrade(alembic_config(database_url), revision)
