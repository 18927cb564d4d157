"""Bearer API keys: parsed from configuration, held as hashes, matched in constant time.

An entry is `token:role[:name]`, or `sha256:<64 hex>:role[:name]` so that the plaintext never
sits in configuration. Only the SHA-256 of a token is kept in memory; a presented token is hashed
and compared with every key by `hmac.compare_digest`. The name is the principal: it owns the
claims the key submits and identifies the caller in audit events, so it must not move when the
key list changes: prod requires every key to name its principal, and dev names an unnamed key
after a prefix of its token's SHA-256 (`submitter-1a2b3c4d5e6f`), never after its position.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import re
import secrets
from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

# Keys anyone could guess: the README's and the dev stack's examples.
KNOWN_EXAMPLES = frozenset({"s3cret", "secret", "changeme", "password", "admin"})
# The dev stack's published keys: never valid in prod, whether given in plaintext or as digests.
DEV_TOKENS = ("dev-submitter-key", "dev-adjuster-key", "dev-admin-key")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
UNNAMED_DIGEST_PREFIX = 12
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
    # Whether the entry named its principal (prod requires it).
    named: bool = True


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
        if name and not _NAME.match(name):
            raise ValueError(
                f"API key entry {position}: the name may hold letters, digits and . _ @ - only"
            )
        keys.append(
            ApiKey(
                role=role,
                name=name or f"{role}-{digest[:UNNAMED_DIGEST_PREFIX]}",
                digest=digest,
                plaintext=plaintext,
                named=bool(name),
            )
        )
    _one_role_per_name(keys)
    return keys


def _one_role_per_name(keys: list[ApiKey]) -> None:
    """Several keys may name one principal (a rotation), but never with different roles."""
    roles: dict[str, Role] = {}
    for key in keys:
        if roles.setdefault(key.name, key.role) is not key.role:
            raise ValueError(f"API keys name principal {key.name!r} with two different roles")


def new_key(role: Role, name: str) -> tuple[str, str]:
    """(a strong token entry `token:role:name`, its digest entry `sha256:<hex>:role:name`)."""
    if not _NAME.match(name):
        raise ValueError("the name may hold letters, digits and . _ @ - only")
    token = secrets.token_urlsafe(32)
    return f"{token}:{role}:{name}", f"sha256:{digest_of(token)}:{role}:{name}"


def _case_variants(word: str) -> Iterator[str]:
    """Every spelling of `word` in upper and lower case (`changeme`, `ChangeMe`, ...)."""
    choices = [(c.lower(), c.upper()) if c.isalpha() else (c,) for c in word]
    return ("".join(letters) for letters in itertools.product(*choices))


@functools.cache
def _published_digests() -> frozenset[str]:
    """Digests of every published key in every case: a prod entry given as `sha256:` of one
    is refused, as its plaintext is (`weakness` compares without case). About 50,000 hashes,
    made once and only when prod checks its keys."""
    published = (*KNOWN_EXAMPLES, *DEV_TOKENS)
    return frozenset(digest_of(v) for word in published for v in _case_variants(word))


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
        if key.plaintext is None and key.digest in _published_digests():
            reason = "is the digest of a published example or dev key"
        if reason:
            problems.append(f"CLAIMS_API_KEYS entry {position} ({key.name}) {reason}")
        if not key.named:
            problems.append(
                f"CLAIMS_API_KEYS entry {position} names no principal: write token:role:name "
                "(or sha256:<hex>:role:name), so ownership never moves when keys change"
            )
    return problems
