"""docker-compose.yml read as compose reads it, without a Docker engine (none runs here).

`service_command` turns a service's entrypoint and command into what the container would run,
with compose's own variable interpolation and the service's bind mounts mapped to the repo,
so a test can run a setup job's real script against real servers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"

_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


def load(path: Path = COMPOSE) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$$` (a literal `$`)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = env.get(name)
        if op in (":-", "-") and (value is None or (op == ":-" and value == "")):
            return arg
        if op in (":?", "?") and (value is None or (op == ":?" and value == "")):
            raise KeyError(f"{name}: {arg}")
        return value or ""

    return _VARIABLE.sub(replace, text)


def _mounts(service: Mapping[str, Any], compose_dir: Path) -> dict[str, Path]:
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = str(volume).split(":")[:2]
        if source.startswith("."):
            mounts[target] = (compose_dir / source).resolve()
    return mounts


def service_command(
    service: Mapping[str, Any], env: Mapping[str, str], compose_dir: Path = ROOT
) -> list[str]:
    """The argv the container runs: entrypoint + command, mounts mapped to the repo."""
    argv: list[str] = []
    for part in ("entrypoint", "command"):
        value = service.get(part)
        if value is None:
            continue
        argv += [value] if isinstance(value, str) else list(value)
    argv = [interpolate(arg, env) for arg in argv]
    for target, source in _mounts(service, compose_dir).items():
        argv = [arg.replace(target, str(source)) for arg in argv]
    return argv


def service_environment(service: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """The service's environment after interpolation from `env` (the shell compose runs in)."""
    raw = service.get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: interpolate(str(value), env) for key, value in raw.items()}
