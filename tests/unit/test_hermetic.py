"""Unit tests give the same result whatever the shell exports (tests/unit/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a developer's shell often holds: a real Temporal and Postgres, and a Temporal profile.
AMBIENT = {
    "CLAIMS_TEMPORAL_ADDRESS": "127.0.0.1:1",
    "CLAIMS_DATABASE_URL": "postgresql+asyncpg://x:y@127.0.0.1:1/none",
    "CLAIMS_ENV": "prod",
    "TEMPORAL_ADDRESS": "temporal.example.com:7233",
    "TEMPORAL_API_KEY": "a-key",
}


def test_the_settings_tests_pass_under_a_developers_environment() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/infra"],
        cwd=ROOT,
        env=os.environ | AMBIENT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


def test_nothing_ambient_reaches_a_unit_test() -> None:
    # Only the fixture's own: a profile file that does not exist.
    ambient = [name for name in os.environ if name.startswith(("CLAIMS_", "TEMPORAL_"))]
    assert ambient == ["TEMPORAL_CONFIG_FILE"]
    assert not Path(os.environ["TEMPORAL_CONFIG_FILE"]).exists()
