"""What only `claims dev` reads: where the embedded servers keep their data and listen.

The same CLAIMS_* environment as the product's settings (infra/settings.py), which know
nothing of these: a deployed process is told where Temporal and Postgres are, never starts them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class DevStackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLAIMS_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        use_attribute_docstrings=True,
    )

    # Postgres's cluster, Temporal's SQLite file, the dev key ring, the mail sink, the logs.
    data_dir: Path = Path(".data")
    """where the embedded stack keeps its state: Postgres, Temporal's SQLite file, the dev key
    ring, the mail sink's e-mails, the logs
    """
    # The embedded Temporal dev server's frontend and Web UI.
    temporal_port: int = 7233
    """port of the embedded Temporal dev server's frontend"""
    temporal_ui_port: int = 8233
    """port of the embedded Temporal Web UI"""
    # The embedded Postgres (unless CLAIMS_DATABASE_URL names another).
    embedded_postgres_port: int = 55432
    """port of the embedded Postgres (when `CLAIMS_DATABASE_URL` is unset)"""

    # The embedded SeaweedFS's S3 API (unless CLAIMS_DOCUMENTS_S3_ENDPOINT names a store).
    dev_s3_port: int = 8333
    """port of the embedded object store's S3 API (SeaweedFS; its other ports are private)"""

    @property
    def temporal_target(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def ui_origins(self) -> str:
        """The embedded Web UI's origins, allowed to call the API's codec (CORS)."""
        port = self.temporal_ui_port
        return f"http://127.0.0.1:{port},http://localhost:{port}"
