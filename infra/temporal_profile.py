"""Where Temporal is and how to reach it, read the way the `temporal` CLI reads it.

The SDK's environment configuration: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
`TEMPORAL_TLS` and `TEMPORAL_TLS_*` (server CA, client cert and key for mTLS, server name), or a
profile in the TOML file named by `TEMPORAL_CONFIG_FILE` (`TEMPORAL_PROFILE` picks one). So one
set of variables serves the API, both workers, our CLI and the operator's `temporal` CLI alike,
for a local server, a TLS/mTLS cluster or Temporal Cloud (API key).

A profile carries secrets (the API key, a client key): never log or repr one.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from temporalio.envconfig import ClientConfigProfile
from temporalio.service import TLSConfig


class TemporalProfileError(ValueError):
    """The Temporal environment configuration cannot be read (a bad file or value)."""


@dataclass(frozen=True)
class TemporalConnection:
    """How to reach Temporal, beyond its address and namespace: TLS, API key, gRPC metadata."""

    tls: bool | TLSConfig = False
    api_key: str | None = field(default=None, repr=False)
    rpc_metadata: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def encrypted(self) -> bool:
        return self.tls is not False

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `temporalio.client.Client.connect`."""
        kwargs: dict[str, Any] = {"tls": self.tls, "rpc_metadata": dict(self.rpc_metadata)}
        if self.api_key is not None:
            kwargs["api_key"] = self.api_key
        return kwargs


PLAINTEXT = TemporalConnection()


def load_profile(environ: Mapping[str, str] | None = None) -> ClientConfigProfile:
    """The active profile: the config file (when any) overridden by `TEMPORAL_*` variables."""
    env = dict(os.environ if environ is None else environ)
    try:
        return ClientConfigProfile.load(override_env_vars=env)
    except Exception as exc:  # the SDK's native loader raises its own error types
        # The message names the file or variable; it never carries a value of a secret.
        raise TemporalProfileError(f"Temporal client configuration: {exc}") from None


def connection(profile: ClientConfigProfile) -> TemporalConnection:
    """TLS and credentials of a profile (an API key alone means TLS with the system roots)."""
    options = profile.to_client_connect_config()
    return TemporalConnection(
        tls=options.get("tls", False),
        api_key=options.get("api_key"),
        rpc_metadata=dict(options.get("rpc_metadata", {})),
    )


def is_loopback(target: str) -> bool:
    """Whether `host:port` names this machine (plaintext there never crosses a network)."""
    host = target.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
