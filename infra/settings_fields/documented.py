"""Settings models whose field docstrings are their descriptions (docs/configuration.md)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

DOCUMENTED = SettingsConfigDict(use_attribute_docstrings=True)
