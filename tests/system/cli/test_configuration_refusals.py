"""The `claims` command, run as a process: what it refuses to start on, and the keys it makes."""

from __future__ import annotations

import pytest

from devstack.processes import free_port
from infra.api_keys import Role, digest_of
from infra.settings import Settings
from tests.support.config import GOOD_DB, PROD, RING, claims_cli


@pytest.mark.parametrize("argv", [["api"], ["worker", "--queue", "claims"], ["migrate"], ["dev"]])
def test_the_cli_refuses_to_start_in_prod_on_dev_defaults(argv):
    done = claims_cli(argv, CLAIMS_ENV="prod")
    assert done.returncode != 0
    assert "prod" in done.stderr


def test_the_worker_refuses_to_start_in_prod_on_plaintext_to_a_remote_temporal():
    done = claims_cli(
        ["worker", "--queue", "llm"],
        CLAIMS_ENV="prod",
        CLAIMS_ENCRYPTION_KEYS=RING,
        TEMPORAL_ADDRESS="temporal.internal:7233",
    )
    assert done.returncode != 0
    assert "Temporal at temporal.internal:7233 would be reached in plaintext" in done.stderr


def test_claims_keys_new_prints_entries_prod_accepts():
    result = claims_cli(["keys", "new", "--role", "adjuster", "--name", "alice.adjuster"])
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    token, plaintext_entry, digest_entry = lines
    assert plaintext_entry == f"{token}:adjuster:alice.adjuster"
    assert digest_entry == f"sha256:{digest_of(token)}:adjuster:alice.adjuster"
    for entry in (plaintext_entry, digest_entry):
        settings = Settings(**PROD, api_keys=entry, database_url=GOOD_DB)
        assert settings.production_problems(needs_keys=True, needs_database=True) == []
        key = settings.key_for(token)
        assert key is not None
        assert (key.name, key.role) == ("alice.adjuster", Role.ADJUSTER)
    print(f"\nclaims keys new --role adjuster --name alice.adjuster\n{result.stdout}")


@pytest.mark.parametrize(
    ("queue", "ring"),
    [("llm", None), ("claims", "k1:not-base64!"), ("llm", "k1:" + "QUJD")],
)
def test_a_missing_or_invalid_setting_stops_a_worker_at_once_naming_it(queue, ring):
    # Temporal is unreachable too, and the boot timeout long: a setting that retrying cannot
    # fix must not be retried as if the network were at fault, nor blamed on Temporal.
    env = {"CLAIMS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}", "CLAIMS_CONNECT_TIMEOUT_S": "8"}
    env |= {"CLAIMS_DATABASE_URL": GOOD_DB}
    if ring is not None:
        env["CLAIMS_ENCRYPTION_KEYS"] = ring
    done = claims_cli(["worker", "--queue", queue], **env)
    assert done.returncode != 0
    assert "CLAIMS_ENCRYPTION_KEYS" in done.stderr, done.stderr
    assert "unreachable" not in done.stderr
    assert "Retrying" not in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("argv", [["replay"], ["deploy", "status"]])
def test_commands_say_plainly_that_temporal_is_unreachable(argv):
    address = f"127.0.0.1:{free_port()}"
    done = claims_cli(argv, CLAIMS_TEMPORAL_ADDRESS=address, CLAIMS_ENCRYPTION_KEYS=RING)
    assert done.returncode != 0
    assert f"Temporal at {address} is unreachable" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
