"""The workflow's wire contract stays readable across releases."""

import datetime as dt
import uuid
from decimal import Decimal

from contracts import ClaimConfig, ClaimWorkflowInput
from tools import samples as f

CONFIG = ClaimConfig(
    auto_approve_limit=Decimal("5000"), review_sla_s=60, llm_task_queue="llm", llm_timeout_s=5
)


def started_input(**extra: object) -> dict[str, object]:
    claim_id = uuid.uuid4()
    return {
        "claim_id": str(claim_id),
        "submission": f.submission("P-1").model_dump(mode="json"),
        "submitted_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC).isoformat(),
        "config": CONFIG.model_dump(mode="json"),
        **extra,
    }


def test_unknown_fields_from_a_newer_release_are_ignored():
    loaded = ClaimWorkflowInput.model_validate(started_input(added_in_a_later_release=True))
    assert loaded.state is None
    assert loaded.config.auto_approve_min_confidence == 0.9
