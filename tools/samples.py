"""Builders for valid domain objects, with overrides for the field a test is about."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from claims.assessment import ClaimFacts
from claims.models import Claimant, ClaimSubmission, ClaimType, Policy, PolicyStatus

ORDINARY_DESCRIPTION = "Rear-ended at a red light; bumper replaced at the dealer, invoice attached."
RED_FLAG_DESCRIPTION = "My laptop was stolen from the car while parked downtown."

# An id no claim is ever given (claims get random UUIDs). Test ids that name it are the same in
# every process of a parallel run, which collects the tests once per process.
NO_SUCH_CLAIM = uuid.UUID("00000000-0000-4000-8000-00000000dead")


def policy_number() -> str:
    return f"P-{uuid.uuid4().hex[:12]}"


def policy(**overrides: Any) -> Policy:
    values: dict[str, Any] = {
        "policy_number": policy_number(),
        "holder_name": "Ada Lovelace",
        "coverages": [ClaimType.AUTO, ClaimType.HOME],
        "coverage_limit": Decimal("50000.00"),
        "deductible": Decimal("500.00"),
        "currency": "USD",
        "effective_from": dt.date(2026, 1, 1),
        "effective_to": dt.date(2027, 1, 1),
        "status": PolicyStatus.ACTIVE,
    }
    values.update(overrides)
    return Policy(**values)


def submission(policy_number: str, **overrides: Any) -> ClaimSubmission:
    values: dict[str, Any] = {
        "policy_number": policy_number,
        "claimant": Claimant(name="Ada Lovelace", email="ada@example.com"),
        "claim_type": ClaimType.AUTO,
        "incident_date": dt.date(2026, 6, 15),
        "amount": Decimal("1250.00"),
        "currency": "USD",
        "description": ORDINARY_DESCRIPTION,
    }
    values.update(overrides)
    return ClaimSubmission(**values)


def submission_json(policy_number: str, **overrides: Any) -> dict[str, Any]:
    return submission(policy_number, **overrides).model_dump(mode="json")


def facts(description: str = ORDINARY_DESCRIPTION, **overrides: Any) -> ClaimFacts:
    """What the model is shown about a claim, as the workflow would build it."""
    values: dict[str, Any] = {
        "claim_type": "auto",
        "incident_date": "2026-06-15",
        "amount": Decimal("1250.00"),
        "currency": "USD",
        "description": description,
        "payable_amount": Decimal("750.00"),
        "policy_effective_from": "2026-01-01",
        "policy_effective_to": "2027-01-01",
        "coverages": ["auto"],
    }
    values.update(overrides)
    return ClaimFacts(**values)
