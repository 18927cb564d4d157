"""Which build this process's code is: the Worker Deployment version its workers join.

The image sets CLAIMS_BUILD_ID from its version. Unset (`claims dev`, tests), the build id is a
digest of the code that decides a claim's path: everything the workflow sandbox runs
(`workflows/`, the pure domain `claims/`, the `contracts/`). An edit there is a new build, and
claims started before stay on the build that started them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import claims
import contracts
import workflows
from infra.settings import Settings


def _sources() -> list[Path]:
    files: list[Path] = []
    for package in (workflows, claims, contracts):
        for root in package.__path__:
            files += Path(root).rglob("*.py")
    return sorted(files)


def code_build_id() -> str:
    """`code-` and 12 hex digits of the workflow code's digest: stable until that code changes."""
    digest = hashlib.sha256()
    for path in _sources():
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return f"code-{digest.hexdigest()[:12]}"


def build_id(settings: Settings) -> str:
    return settings.build_id or code_build_id()
