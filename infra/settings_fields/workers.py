"""Worker capacity, shutdown, health and metrics."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings

from infra.settings_fields.documented import DOCUMENTED


class WorkerSettings(BaseSettings):
    """Worker capacity, shutdown, health and metrics."""

    model_config = DOCUMENTED

    # Workers: capacity, shutdown grace, boot-time patience, the SDK's metrics port.
    worker_max_concurrent_activities: int = Field(default=100, ge=1)
    """activities a claims worker runs at once"""
    worker_max_concurrent_workflow_tasks: int = Field(default=100, ge=2)
    """workflow tasks a claims worker runs at once"""
    # Each cached claim holds its own sandboxed copy of the workflow modules: ~360 KB. 2,000
    # claims parked in review took the worker to 489 MB with 1,000 cached, 216 MB with 250
    # (make bench-parked); an evicted claim is replayed from its history when it next moves.
    workflow_cache_size: int = Field(default=250, ge=0)
    """workflows kept in a claims worker's cache (sticky execution); what bounds its memory with
    many claims parked
    """
    worker_graceful_shutdown_s: float = Field(default=30.0, ge=0)
    """on SIGTERM, how long in-flight activities may finish before they are handed back"""
    worker_metrics_port: int | None = None
    """port of a worker's Temporal SDK metrics (Prometheus `/metrics`); `claims dev` uses 9464
    and 9465
    """
    worker_metrics_host: str = "127.0.0.1"
    """bind address of a worker's metrics port (set `0.0.0.0` in a container that is scraped from
    outside)
    """
    worker_health_file: Path | None = None
    """a worker's heartbeat file for `claims healthcheck`, with the last time Temporal answered
    the worker (the image sets `/tmp/claims-worker.health`); unset: none
    """
    worker_health_interval_s: float = Field(default=10.0, gt=0)
    """how often the heartbeat file is rewritten, in seconds"""
    connect_timeout_s: float = Field(default=60.0, gt=0)
    """at boot, how long workers and the API retry Temporal and Postgres before exiting non-zero"""
