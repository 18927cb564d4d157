"""Hard policy rules and risk rules.

Hard rules reject a claim deterministically and name the rule that fired. Risk rules never
reject: they only force a human to look (DESIGN §3).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from claims.models import CENT, ClaimSubmission, Policy, PolicyStatus

# An incident this close to the start of cover is a classic sign of insuring a loss that had
# already happened; it is worth a human's eyes, not an automatic payout.
NEW_POLICY_WINDOW = dt.timedelta(days=14)


class HardRule(StrEnum):
    POLICY_NOT_FOUND = "policy_not_found"
    POLICY_LAPSED = "policy_lapsed"
    INCIDENT_OUTSIDE_POLICY_PERIOD = "incident_outside_policy_period"
    CLAIM_TYPE_NOT_COVERED = "claim_type_not_covered"
    CURRENCY_MISMATCH = "currency_mismatch"
    NOTHING_PAYABLE = "nothing_payable_after_deductible"


class RiskRule(StrEnum):
    AMOUNT_CAPPED_AT_LIMIT = "amount_capped_at_coverage_limit"
    INCIDENT_SOON_AFTER_START = "incident_soon_after_policy_start"


class PolicyCheck(BaseModel):
    """The outcome of checking one claim against its policy."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    rule: HardRule | None = None
    reasons: list[str]
    payable_amount: Decimal
    risk_rules: list[RiskRule] = []


def _rejected(rule: HardRule, reason: str) -> PolicyCheck:
    return PolicyCheck(passed=False, rule=rule, reasons=[reason], payable_amount=Decimal("0.00"))


def check_policy(policy: Policy | None, claim: ClaimSubmission) -> PolicyCheck:  # noqa: PLR0911
    """Apply the hard rules in a fixed order, then compute the payable amount and risk rules."""
    if policy is None:
        return _rejected(HardRule.POLICY_NOT_FOUND, f"no policy {claim.policy_number}")
    if policy.status is PolicyStatus.LAPSED:
        return _rejected(HardRule.POLICY_LAPSED, f"policy {policy.policy_number} has lapsed")
    if not policy.effective_from <= claim.incident_date < policy.effective_to:
        return _rejected(
            HardRule.INCIDENT_OUTSIDE_POLICY_PERIOD,
            f"incident on {claim.incident_date} is outside the policy period "
            f"{policy.effective_from} to {policy.effective_to}",
        )
    if claim.claim_type not in policy.coverages:
        covered = ", ".join(policy.coverages)
        return _rejected(
            HardRule.CLAIM_TYPE_NOT_COVERED,
            f"{claim.claim_type} is not covered (covered: {covered})",
        )
    if claim.currency != policy.currency:
        return _rejected(
            HardRule.CURRENCY_MISMATCH,
            f"claim is in {claim.currency} but the policy pays in {policy.currency}",
        )

    risk_rules: list[RiskRule] = []
    reasons: list[str] = []
    covered_amount = claim.amount
    if claim.amount > policy.coverage_limit:
        covered_amount = policy.coverage_limit
        risk_rules.append(RiskRule.AMOUNT_CAPPED_AT_LIMIT)
        reasons.append(f"claimed {claim.amount} exceeds the coverage limit {policy.coverage_limit}")
    payable = (covered_amount - policy.deductible).quantize(CENT)
    if payable <= 0:
        return _rejected(
            HardRule.NOTHING_PAYABLE,
            f"claimed {claim.amount} does not exceed the deductible {policy.deductible}",
        )
    if claim.incident_date - policy.effective_from < NEW_POLICY_WINDOW:
        risk_rules.append(RiskRule.INCIDENT_SOON_AFTER_START)
        reasons.append(
            f"incident within {NEW_POLICY_WINDOW.days} days of the policy start "
            f"{policy.effective_from}"
        )
    reasons.insert(0, f"payable {payable} {policy.currency} after deductible {policy.deductible}")
    return PolicyCheck(passed=True, reasons=reasons, payable_amount=payable, risk_rules=risk_rules)
