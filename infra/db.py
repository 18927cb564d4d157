"""Database engine construction. Each process builds one engine at start-up and passes it on."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs too, and use the asyncpg driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def create_engine(url: str, *, pool_size: int = 10, pre_ping: bool = True) -> AsyncEngine:
    """An asyncpg engine.

    `pre_ping` checks each connection as it leaves the pool, so a request served just after a
    Postgres restart does not fail on a dead one. A process whose every query runs in a
    retried activity can do without: there the dead connection fails one attempt (a transient
    failure, infra/db_errors.py), the pool is invalidated, and the retry reconnects.
    """
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        # Statement parameters hold claimants' data: never in an error message or a log line.
        hide_parameters=True,
    )
