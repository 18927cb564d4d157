"""`claims dev`'s banner shows the dev keys it made, never keys someone configured."""

from __future__ import annotations

from pathlib import Path

from devstack.launcher import DevStack
from devstack.settings import DevStackSettings
from infra.settings import Settings

CONFIGURED = "a-real-portal-key-0123456789abcdefXYZ:submitter:portal"


def _banner(tmp_path: Path, api_keys: str | None = None) -> str:
    stack = DevStack(Settings(api_keys=api_keys), DevStackSettings(data_dir=tmp_path), {})
    return stack.banner()


def test_the_banner_shows_the_dev_keys_it_made(tmp_path: Path) -> None:
    banner = _banner(tmp_path)
    for key in ("dev-submitter-key", "dev-adjuster-key", "dev-admin-key"):
        assert key in banner


def test_the_banner_never_prints_configured_keys(tmp_path: Path) -> None:
    banner = _banner(tmp_path, api_keys=f"{CONFIGURED},dev-admin-key:admin:dev-admin")
    assert "a-real-portal-key" not in banner
    assert "CLAIMS_API_KEYS" in banner  # it says where the keys come from instead
