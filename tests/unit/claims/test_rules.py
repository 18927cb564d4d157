import datetime as dt
from decimal import Decimal

import pytest

from claims.models import ClaimType, PolicyStatus
from claims.rules import HardRule, RiskRule, check_policy
from tools import samples as f

POLICY = f.policy(policy_number="P-1")


@pytest.mark.parametrize(
    ("policy_overrides", "claim_overrides", "rule"),
    [
        ({"status": PolicyStatus.LAPSED}, {}, HardRule.POLICY_LAPSED),
        ({}, {"incident_date": dt.date(2025, 12, 31)}, HardRule.INCIDENT_OUTSIDE_POLICY_PERIOD),
        # effective_to is exclusive: cover ends at the start of that day.
        ({}, {"incident_date": dt.date(2027, 1, 1)}, HardRule.INCIDENT_OUTSIDE_POLICY_PERIOD),
        ({}, {"claim_type": ClaimType.TRAVEL}, HardRule.CLAIM_TYPE_NOT_COVERED),
        ({}, {"currency": "EUR"}, HardRule.CURRENCY_MISMATCH),
        ({}, {"amount": Decimal("500.00")}, HardRule.NOTHING_PAYABLE),
        (
            {"deductible": Decimal("2000.00")},
            {"amount": Decimal("1999.99")},
            HardRule.NOTHING_PAYABLE,
        ),
    ],
)
def test_hard_rules_reject_with_the_rule_named(policy_overrides, claim_overrides, rule):
    policy = POLICY.model_copy(update=policy_overrides)
    check = check_policy(policy, f.submission("P-1", **claim_overrides))
    assert not check.passed
    assert check.rule is rule
    assert check.payable_amount == 0
    assert check.reasons


def test_unknown_policy_is_rejected_by_rule():
    check = check_policy(None, f.submission("P-404"))
    assert (check.passed, check.rule) == (False, HardRule.POLICY_NOT_FOUND)
    assert "P-404" in check.reasons[0]


@pytest.mark.parametrize(
    ("amount", "payable"),
    [("1250.00", "750.00"), ("500.01", "0.01"), ("50000.00", "49500.00")],
)
def test_payable_is_amount_less_deductible(amount, payable):
    check = check_policy(POLICY, f.submission("P-1", amount=Decimal(amount)))
    assert check.passed
    assert check.payable_amount == Decimal(payable)
    assert check.risk_rules == []


def test_amount_above_limit_is_capped_and_flagged():
    check = check_policy(POLICY, f.submission("P-1", amount=Decimal("80000.00")))
    assert check.passed
    assert check.payable_amount == Decimal("49500.00")
    assert check.risk_rules == [RiskRule.AMOUNT_CAPPED_AT_LIMIT]


@pytest.mark.parametrize(
    ("incident", "flagged"),
    [(dt.date(2026, 1, 1), True), (dt.date(2026, 1, 14), True), (dt.date(2026, 1, 15), False)],
)
def test_incident_soon_after_policy_start_is_a_risk(incident, flagged):
    check = check_policy(POLICY, f.submission("P-1", incident_date=incident))
    assert check.passed
    assert (RiskRule.INCIDENT_SOON_AFTER_START in check.risk_rules) is flagged
