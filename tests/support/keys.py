"""Fixed encryption key rings for tests (never used outside tests).

The recorded replay histories must decode in any checkout, so they are recorded under a key
ring committed here rather than a generated dev ring.
"""

from __future__ import annotations

import base64

from infra.encryption import parse_key_ring

HISTORIES_RING = parse_key_ring(
    "histories1:" + base64.b64encode(b"replay-histories-test-key-32-byt").decode()
)
