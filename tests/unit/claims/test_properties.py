"""Property tests (hypothesis): the domain rules and the request schemas, over many inputs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from claims.assessment import ModelAnswer, Recommendation
from claims.models import Claimant, ClaimSubmission, ClaimType, Policy, PolicyStatus
from claims.routing import Route, route_claim
from claims.rules import HardRule, RiskRule, check_policy
from claims.text import FreeText, Line, PositiveMoney

PROPERTIES = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])

CONTROL = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]]
SURROGATES = [chr(c) for c in (0xD800, 0xDBFF, 0xDC00, 0xDFFF)]
SAFE_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=60)

money = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    start = draw(dates)
    return Policy(
        policy_number=draw(st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True)),
        holder_name=draw(SAFE_TEXT),
        coverages=draw(st.lists(st.sampled_from(ClaimType), min_size=1, unique=True)),
        coverage_limit=draw(money),
        deductible=draw(st.one_of(st.just(Decimal("0.00")), money)),
        currency=draw(st.sampled_from(["USD", "EUR"])),
        effective_from=start,
        effective_to=start + dt.timedelta(days=draw(st.integers(1, 3650))),
        status=draw(st.sampled_from(PolicyStatus)),
    )


@st.composite
def submissions(draw: st.DrawFn, policy: Policy | None = None) -> ClaimSubmission:
    return ClaimSubmission(
        policy_number=policy.policy_number if policy else "P-1",
        claimant=Claimant(name=draw(SAFE_TEXT), email="someone@example.com"),
        claim_type=draw(st.sampled_from(ClaimType)),
        incident_date=draw(dates),
        amount=draw(money),
        currency=draw(st.sampled_from(["USD", "EUR"])),
        description=draw(SAFE_TEXT),
    )


@st.composite
def policy_and_claim(draw: st.DrawFn) -> tuple[Policy, ClaimSubmission]:
    policy = draw(policies())
    return policy, draw(submissions(policy))


# --- policy rules -----------------------------------------------------------------------


@PROPERTIES
@given(policy_and_claim())
def test_a_passed_check_never_pays_more_than_claimed_or_covered(
    case: tuple[Policy, ClaimSubmission],
) -> None:
    policy, claim = case
    check = check_policy(policy, claim)
    if not check.passed:
        assert check.rule is not None
        assert check.payable_amount == 0
        return
    assert check.rule is None
    assert 0 < check.payable_amount <= min(claim.amount, policy.coverage_limit)
    assert check.payable_amount == min(claim.amount, policy.coverage_limit) - policy.deductible
    assert policy.status is PolicyStatus.ACTIVE
    assert policy.effective_from <= claim.incident_date < policy.effective_to
    assert claim.claim_type in policy.coverages
    assert claim.currency == policy.currency
    assert (RiskRule.AMOUNT_CAPPED_AT_LIMIT in check.risk_rules) == (
        claim.amount > policy.coverage_limit
    )


@PROPERTIES
@given(policy_and_claim())
def test_the_check_is_deterministic_and_names_one_rule(
    case: tuple[Policy, ClaimSubmission],
) -> None:
    policy, claim = case
    first, second = check_policy(policy, claim), check_policy(policy, claim)
    assert first == second
    assert first.passed or first.rule in set(HardRule)


@PROPERTIES
@given(submissions())
def test_no_policy_always_rejects(claim: ClaimSubmission) -> None:
    assert check_policy(None, claim).rule is HardRule.POLICY_NOT_FOUND


# --- routing ----------------------------------------------------------------------------

answers = st.builds(
    ModelAnswer,
    recommendation=st.sampled_from(Recommendation),
    confidence=st.floats(0, 1),
    rationale=st.just("because"),
    risk_flags=st.lists(st.just("flag"), max_size=2),
)


@PROPERTIES
@given(
    answer=st.one_of(st.none(), answers),
    payable=money,
    limit=money,
    min_confidence=st.floats(0, 1),
    risk_rules=st.lists(st.sampled_from(RiskRule), max_size=2, unique=True),
)
def test_auto_approval_needs_every_condition(
    answer: ModelAnswer | None,
    payable: Decimal,
    limit: Decimal,
    min_confidence: float,
    risk_rules: list[RiskRule],
) -> None:
    decision = route_claim(
        answer=answer,
        payable_amount=payable,
        auto_approve_limit=limit,
        min_confidence=min_confidence,
        risk_rules=risk_rules,
    )
    every_condition = (
        answer is not None
        and answer.recommendation is Recommendation.APPROVE
        and answer.confidence >= min_confidence
        and not answer.risk_flags
        and not risk_rules
        and payable <= limit
    )
    assert (decision.route is Route.AUTO_APPROVE) == every_condition
    assert decision.reasons


# --- request schemas --------------------------------------------------------------------


@PROPERTIES
@given(submissions())
def test_a_submission_survives_the_json_round_trip_exactly(claim: ClaimSubmission) -> None:
    wire = json.loads(claim.model_dump_json())
    assert isinstance(wire["amount"], str)
    assert ClaimSubmission.model_validate(wire) == claim


@PROPERTIES
@given(
    prefix=SAFE_TEXT,
    bad=st.sampled_from(CONTROL + SURROGATES),
    suffix=st.text(max_size=5),
)
def test_a_line_refuses_every_control_character_and_surrogate(
    prefix: str, bad: str, suffix: str
) -> None:
    with pytest.raises(ValidationError, match=f"U\\+{ord(bad):04X}"):
        TypeAdapter(Line).validate_python(prefix + bad + suffix)


@PROPERTIES
@given(SAFE_TEXT, st.sampled_from(["\n", "\t", "\r\n"]))
def test_free_text_keeps_line_breaks_and_tabs(text: str, whitespace: str) -> None:
    value = text + whitespace + text
    assert TypeAdapter(FreeText).validate_python(value) == value


@PROPERTIES
@given(money)
def test_money_round_trips_as_a_decimal_string(amount: Decimal) -> None:
    adapter = TypeAdapter(PositiveMoney)
    assert adapter.validate_json(json.dumps(str(amount))) == amount
    assert adapter.dump_json(amount) == json.dumps(str(amount)).encode()


@PROPERTIES
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.text(max_size=20).filter(lambda t: not t.replace(".", "", 1).isdigit()),
    )
)
def test_money_refuses_numbers_and_non_decimal_strings(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(PositiveMoney).validate_python(value)
