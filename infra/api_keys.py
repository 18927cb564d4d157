"""Bearer API keys: parsed from configuration, held as hashes, matched in constant time.

An entry is `token:role[:name]`, or `sha256:<64 hex>:role[:name]` so that the plaintext never
sits in configuration. Only the SHA-256 of a token is kept in memory; a presented token is hashed
and compared with every key by `hmac.compare_digest`. The name is the principal: it owns the
claims the key submits and identifies the caller in audit events. It never derives from the
token: an unnamed key is `<role>-<position>`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

# Keys anyone could guess: the README's and the dev stack's examples.
KNOWN_EXAMPLES = frozenset({"s3cret", "secret", "changeme", "password", "admin"})
MIN_KEY_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12
_HASHED = re.compile(r"^sha256:([0-9a-fA-F]{64})$")


class Role(StrEnum):
    SUBMITTER = "submitter"
    ADJUSTER = "adjuster"
    ADMIN = "admin"


class ApiKey(BaseModel):
    """One configured key: its principal's name and role, and the SHA-256 of its token."""

    model_config = ConfigDict(frozen=True)

    role: Role
    name: str
    digest: str
    # Whether the configuration held the plaintext (which can be checked for strength).
    plaintext: str | None = None


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_api_keys(raw: str) -> list[ApiKey]:
    """Parse `token:role[:name]` and `sha256:<hex>:role[:name]` entries, comma separated."""
    keys: list[ApiKey] = []
    for position, item in enumerate(filter(None, (p.strip() for p in raw.split(","))), 1):
        token, sep, rest = item.partition(":")
        plaintext: str | None = token
        if token == "sha256":  # noqa: S105 - the hashed-entry prefix, not a password
            hashed, sep, rest = rest.partition(":")
            if not _HASHED.match(f"sha256:{hashed}"):
                raise ValueError(f"API key entry {position}: sha256: needs 64 hex digits")
            digest, plaintext = hashed.lower(), None
        else:
            digest = digest_of(token)
        role_text, _, name = rest.partition(":")
        if not sep or not token or not role_text:
            raise ValueError(
                f"API key entry {position} must look like token:role[:name] "
                "or sha256:<hex>:role[:name]"
            )
        try:
            role = Role(role_text)
        except ValueError as exc:
            raise ValueError(
                f"unknown role {role_text!r}; roles are submitter, adjuster, admin"
            ) from exc
        keys.append(
            ApiKey(role=role, name=name or f"{role}-{position}", digest=digest, plaintext=plaintext)
        )
    return keys


def find_key(keys: list[ApiKey], token: str | None) -> ApiKey | None:
    """The key whose token this is, compared in constant time with every configured key."""
    if not token:
        return None
    presented = digest_of(token)
    found: ApiKey | None = None
    for key in keys:
        # No early exit: the time taken does not depend on which key (if any) matched.
        if hmac.compare_digest(presented, key.digest):
            found = key
    return found


def weakness(token: str) -> str | None:
    """Why a plaintext token is too weak for production, or None."""
    if token.lower() in KNOWN_EXAMPLES or token.lower().startswith("dev-"):
        return "is a published example or dev key"
    if len(token) < MIN_KEY_LENGTH:
        return f"is shorter than {MIN_KEY_LENGTH} characters"
    if len(set(token)) < MIN_DISTINCT_CHARACTERS:
        return f"has fewer than {MIN_DISTINCT_CHARACTERS} distinct characters (low entropy)"
    return None


def production_key_problems(keys: list[ApiKey]) -> list[str]:
    if not keys:
        return ["CLAIMS_API_KEYS holds no keys"]
    problems = []
    for position, key in enumerate(keys, 1):
        reason = weakness(key.plaintext) if key.plaintext is not None else None
        if reason:
            problems.append(f"CLAIMS_API_KEYS entry {position} ({key.name}) {reason}")
    return problems
