from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import ActivityEnvironment

from activities.contracts import PaymentInput
from activities.payment import LedgerRail, PaymentActivities
from tests.support.records import PAYMENT, committed_claim, count_rows


class CountingRail(LedgerRail):
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def transfer(self, *, idempotency_key: str, amount: Decimal, currency: str) -> str:
        self.keys.append(idempotency_key)
        return await super().transfer(
            idempotency_key=idempotency_key, amount=amount, currency=currency
        )


async def test_payment_run_twice_makes_one_payment(engine: AsyncEngine):
    claim_id = await committed_claim(engine)
    rail = CountingRail()
    activities = PaymentActivities(engine, rail)
    request = PaymentInput(claim_id=claim_id, amount=Decimal("750.00"), currency="USD")
    env = ActivityEnvironment()
    first = await env.run(activities.pay_claim, request)
    second = await env.run(activities.pay_claim, request)
    assert first == second
    assert await count_rows(engine, PAYMENT, claim_id) == 1
    # The second attempt found the settled payment and never called the rail again.
    assert rail.keys == [f"claim-{claim_id}-payment"]


async def test_a_retry_after_a_crash_before_settling_reuses_the_reservation(engine: AsyncEngine):
    claim_id = await committed_claim(engine)

    class CrashingRail(LedgerRail):
        async def transfer(self, *, idempotency_key: str, amount: Decimal, currency: str) -> str:
            raise ConnectionError("rail timed out after the reservation was written")

    request = PaymentInput(claim_id=claim_id, amount=Decimal("750.00"), currency="USD")
    env = ActivityEnvironment()
    with pytest.raises(ConnectionError):
        await env.run(PaymentActivities(engine, CrashingRail()).pay_claim, request)
    rail = CountingRail()
    result = await env.run(PaymentActivities(engine, rail).pay_claim, request)
    assert result.amount == Decimal("750.00")
    assert rail.keys == [request.idempotency_key]
    assert await count_rows(engine, PAYMENT, claim_id) == 1
