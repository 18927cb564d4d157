"""docs/configuration.md, generated from the settings models: `make docs` writes it, and a
test fails when the models and the page disagree.

    .venv/bin/python -m tools.config_doc > docs/configuration.md
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import AliasChoices
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from devstack.settings import DevStackSettings
from infra.settings import Settings

HEADER = """# Configuration

Every process reads the same environment variables (a `.env` file in the working directory
works too). In `prod` (`CLAIMS_ENV=prod`) a process refuses to start on a development default
and names what is missing: API keys, encryption keys, a Temporal address, a database URL, a
database password, TLS to a remote Temporal.

This page is generated from the settings models' field docstrings (`infra/settings_fields/`,
`devstack/settings.py`) by `make docs`; a test fails when the two disagree.

## The service (`infra/settings_fields/`)

| variable | default | meaning |
|---|---|---|
"""

TEMPORAL = """
## Reaching Temporal

Where Temporal is, and how to reach it, is read as the `temporal` CLI reads it
(`infra/temporal_profile.py`); `CLAIMS_TEMPORAL_ADDRESS` and `CLAIMS_TEMPORAL_NAMESPACE`,
above, override the address and namespace for our processes alone.

| variable | default | meaning |
|---|---|---|
"""

TEMPORAL_ROWS = [
    (
        "`TEMPORAL_ADDRESS` / `TEMPORAL_NAMESPACE`",
        "unset / `default`",
        "the Temporal frontend and namespace",
    ),
    (
        "`TEMPORAL_TLS`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_CLIENT_CERT_PATH`, "
        "`TEMPORAL_TLS_CLIENT_KEY_PATH`, `TEMPORAL_TLS_SERVER_NAME` (and `*_DATA` forms)",
        "off",
        "TLS, and mutual TLS with a client certificate",
    ),
    ("`TEMPORAL_API_KEY`", "unset", "API-key authentication (Temporal Cloud); implies TLS"),
    (
        "`TEMPORAL_CONFIG_FILE` / `TEMPORAL_PROFILE`",
        "`~/.config/temporalio/temporal.toml` / `default`",
        "a TOML profile holding any of the above (`temporal config` writes one); variables "
        "override it",
    ),
]

DEV = """
## The development stack (`devstack/settings.py`, `claims dev` only)

Read only by `claims dev`, which a development install alone carries. A deployed process is
told where Temporal and Postgres are; it never starts them.

| variable | default | meaning |
|---|---|---|
"""


def _names(name: str, field: FieldInfo) -> str:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return " or ".join(f"`{choice}`" for choice in alias.choices)
    return f"`CLAIMS_{name.upper()}`"


def _default(field: FieldInfo) -> str:
    value = field.default
    if value is None:
        return "unset"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal | Path | int | float | str):
        return f"`{value}`"
    return f"`{value!r}`"  # pragma: no cover - every default is one of the above


def _rows(model: type[BaseSettings]) -> str:
    lines = []
    for name, field in model.model_fields.items():
        meaning = " ".join((field.description or "").split()).replace("|", "\\|")
        if not meaning:
            raise ValueError(f"{model.__name__}.{name} has no description")
        lines.append(f"| {_names(name, field)} | {_default(field)} | {meaning} |")
    return "\n".join(lines) + "\n"


def render() -> str:
    temporal = "".join(
        f"| {names} | {default} | {meaning} |\n" for names, default, meaning in TEMPORAL_ROWS
    )
    return HEADER + _rows(Settings) + TEMPORAL + temporal + DEV + _rows(DevStackSettings)


if __name__ == "__main__":
    print(render(), end="")
