"""The dev stack's payload encryption ring: generated once, kept under the data dir."""

from __future__ import annotations

import os
from pathlib import Path

from infra.encryption import new_key_entry


def dev_key_ring(data_dir: Path) -> str:
    """The ring as CLAIMS_ENCRYPTION_KEYS spells it; the file is made once, mode 0600."""
    path = data_dir / "encryption-keys"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process of the stack made it first: read theirs
        else:
            with os.fdopen(fd, "w") as out:
                out.write(new_key_entry("dev1") + "\n")
    return path.read_text().strip()
