"""Settings a test gives a process: a production configuration that passes every check, and
the `claims` command run in a process of its own."""

from __future__ import annotations

import base64
import subprocess
import sys
from typing import Any

RING = "k1:" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
PROD: dict[str, Any] = {
    "env": "prod",
    "temporal_address": "temporal:7233",
    # compose's private network; plaintext to a remote Temporal is refused otherwise (below).
    "temporal_allow_plaintext": True,
    "encryption_keys": RING,
}
GOOD_DB = "postgresql+asyncpg://claims:Xk29vQm7Lp4Ra8Tz@db/claims"


def claims_cli(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """`claims <argv>` in a process of its own, with only `env` (and PATH) set."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *argv],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
