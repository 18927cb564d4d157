"""The workflow's wire contract stays readable across releases."""

import datetime as dt
import uuid
from decimal import Decimal

from claims.lifecycle import ClaimStatus
from tests.support import factories as f
from workflows.contracts import ClaimConfig, ClaimWorkflowInput

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


def test_a_run_continued_before_the_state_model_existed_keeps_its_progress():
    """Older runs handed on `progress` (a subset of the state) while being reassessed."""
    progress = {
        "step": 12,
        "payable_amount": "750.00",
        "policy": None,
        "risk_rules": [],
        "document_ids": [str(uuid.uuid4())],
        "info_rounds": 3,
        "payment_attempts": 0,
        "escalated": True,
    }
    loaded = ClaimWorkflowInput.model_validate(started_input(progress=progress))
    assert loaded.state is not None
    assert loaded.state.claim_id == loaded.claim_id
    assert loaded.state.status is ClaimStatus.ASSESSING
    assert (loaded.state.step, loaded.state.info_rounds, loaded.state.escalated) == (12, 3, True)
    assert loaded.state.payable_amount == Decimal("750.00")


def test_unknown_fields_from_a_newer_release_are_ignored():
    loaded = ClaimWorkflowInput.model_validate(started_input(added_in_a_later_release=True))
    assert loaded.state is None
    assert loaded.config.auto_approve_min_confidence == 0.9
