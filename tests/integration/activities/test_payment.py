import uuid
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.payment import LedgerRail, PaymentActivities
from claims.lifecycle import ErrorType
from contracts import PaymentInput, ReleaseInput
from infra.store import payments
from infra.tables import payment
from tests.support.records import committed_claim, count_rows

PAYEE = "ada@example.com"


class CountingRail(LedgerRail):
    def __init__(self, blocked: tuple[str, ...] = ()) -> None:
        super().__init__(blocked)
        self.keys: list[str] = []

    async def transfer(
        self, *, idempotency_key: str, amount: Decimal, currency: str, payee: str
    ) -> str:
        self.keys.append(idempotency_key)
        return await super().transfer(
            idempotency_key=idempotency_key, amount=amount, currency=currency, payee=payee
        )


def pay(claim_id: uuid.UUID, attempt: int = 1, amount: str = "750.00") -> PaymentInput:
    return PaymentInput(
        claim_id=claim_id, attempt=attempt, amount=Decimal(amount), currency="USD", payee=PAYEE
    )


async def ledger_entries(
    engine: AsyncEngine, claim_id: uuid.UUID
) -> list[tuple[int, str, Decimal]]:
    async with engine.connect() as conn:
        rows = await payments.ledger(conn=conn, claim_id=claim_id)
    return [(r.attempt, r.entry, r.amount) for r in rows]


async def test_payment_run_twice_makes_one_payment(engine: AsyncEngine):
    claim_id = await committed_claim(engine)
    rail = CountingRail()
    activities = PaymentActivities(engine, rail)
    env = ActivityEnvironment()
    first = await env.run(activities.pay_claim, pay(claim_id))
    second = await env.run(activities.pay_claim, pay(claim_id))
    assert first == second
    assert await count_rows(engine, payment, claim_id) == 1
    # The second attempt found the settled payment and never called the rail again.
    assert rail.keys == [f"claim-{claim_id}-payment-1"]
    assert await ledger_entries(engine, claim_id) == [
        (1, "reserve", Decimal("750.00")),
        (1, "settle", Decimal("750.00")),
    ]


async def test_a_retry_after_a_crash_before_settling_reuses_the_reservation(engine: AsyncEngine):
    claim_id = await committed_claim(engine)

    class CrashingRail(LedgerRail):
        async def transfer(
            self, *, idempotency_key: str, amount: Decimal, currency: str, payee: str
        ) -> str:
            raise ConnectionError("rail timed out after the reservation was written")

    env = ActivityEnvironment()
    # An outage of the rail is transient: retryable, and named without its message.
    with pytest.raises(ApplicationError) as failed:
        await env.run(PaymentActivities(engine, CrashingRail()).pay_claim, pay(claim_id))
    assert failed.value.type == ErrorType.TRANSIENT_FAILURE
    assert not failed.value.non_retryable
    rail = CountingRail()
    result = await env.run(PaymentActivities(engine, rail).pay_claim, pay(claim_id))
    assert result.amount == Decimal("750.00")
    assert rail.keys == [f"claim-{claim_id}-payment-1"]
    assert await count_rows(engine, payment, claim_id) == 1


async def test_refused_payee_fails_non_retryably_and_release_compensates(engine: AsyncEngine):
    claim_id = await committed_claim(engine)
    rail = CountingRail(blocked=(PAYEE,))
    activities = PaymentActivities(engine, rail)
    env = ActivityEnvironment()
    with pytest.raises(ApplicationError) as refused:
        await env.run(activities.pay_claim, pay(claim_id))
    assert (refused.value.type, refused.value.non_retryable) == ("PaymentRefused", True)
    release = ReleaseInput(claim_id=claim_id, attempt=1, reason="refused")
    await env.run(activities.release_payment, release)
    await env.run(activities.release_payment, release)  # compensation is idempotent too
    rail.blocked_payees.clear()
    paid = await env.run(activities.pay_claim, pay(claim_id, attempt=2, amount="700.00"))
    assert paid.amount == Decimal("700.00")
    assert await ledger_entries(engine, claim_id) == [
        (1, "reserve", Decimal("750.00")),
        (1, "release", Decimal("750.00")),
        (2, "reserve", Decimal("700.00")),
        (2, "settle", Decimal("700.00")),
    ]
    assert await count_rows(engine, payment, claim_id) == 1


async def test_a_settled_payment_is_never_paid_again_by_a_later_attempt(engine: AsyncEngine):
    claim_id = await committed_claim(engine)
    rail = CountingRail()
    activities = PaymentActivities(engine, rail)
    env = ActivityEnvironment()
    first = await env.run(activities.pay_claim, pay(claim_id))
    later = await env.run(activities.pay_claim, pay(claim_id, attempt=2, amount="1.00"))
    assert later == first
    assert len(rail.keys) == 1
