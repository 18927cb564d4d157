"""Fixed encryption key rings for tests (never used outside tests).

The recorded replay histories must decode in any checkout, so they are recorded under a key
ring committed here rather than a generated dev ring.
"""

from __future__ import annotations

import base64

from infra.encryption import new_key_entry, parse_key_ring

# What every process of a test session encrypts with (CLAIMS_ENCRYPTION_KEYS): the API and
# workers in the test process, the workers and CLI it starts, and the test's own client.
SESSION_KEYS = new_key_entry("test1")
SESSION_RING = parse_key_ring(SESSION_KEYS)

HISTORIES_RING = parse_key_ring(
    "histories1:" + base64.b64encode(b"replay-histories-test-key-32-byt").decode()
)
