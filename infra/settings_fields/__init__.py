"""The fields of the service's settings, by concern; `infra.settings.Settings` joins them.

Each field's docstring is its description: docs/configuration.md is generated from them
(`make docs`), and a test fails when the page and the fields disagree.
"""

from infra.settings_fields.agent import AgentSettings
from infra.settings_fields.assessment import AssessmentSettings
from infra.settings_fields.documents import DocumentSettings
from infra.settings_fields.outbox import OutboxSettings
from infra.settings_fields.service import ServiceSettings, TemporalSettings
from infra.settings_fields.workers import WorkerSettings

__all__ = [
    "AgentSettings",
    "AssessmentSettings",
    "DocumentSettings",
    "OutboxSettings",
    "ServiceSettings",
    "TemporalSettings",
    "WorkerSettings",
]
