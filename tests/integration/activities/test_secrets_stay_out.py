"""Canaries through every failure path: none reaches a log line or an error message.

A provider that quotes the API key back in its 401, and a database that refuses a write full
of a claimant's data, are the two ways secrets and personal data used to leak.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.assessment import AssessmentActivities, LlmConfig
from activities.records import RecordActivities
from contracts import AssessmentInput, StepsInput, TransitionInput
from infra import db_errors as failures
from infra.db import create_engine
from tests.support.records import committed_claim
from tools import samples as f
from tools.fake_llm import FakeLlmServer

CANARY_KEY = "sk-canary-" + "k7Qz9" * 8
CANARY_NAME = "Canarella Quillfeather"


async def test_a_provider_that_echoes_the_key_leaks_it_nowhere(
    fake_llm: FakeLlmServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = LlmConfig(
        model="openai/unauthorized-echo", api_base=fake_llm.api_base, api_key=CANARY_KEY
    )
    request = AssessmentInput(claim_id=uuid.uuid4(), facts=f.facts())
    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment().run(AssessmentActivities(config).assess_claim, request)
    everything = f"{refused.value} {refused.value.details} {caplog.text}"
    # The 401 was seen (so the path ran), and the key is nowhere in what it left behind.
    assert "401" in everything or "AuthenticationError" in everything
    assert CANARY_KEY not in everything
    assert "k7Qz9k7Qz9" not in everything


async def test_a_refused_write_leaks_no_claimant_data(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    engine: AsyncEngine = create_engine(database_url)
    try:
        claim_id = await committed_claim(engine)
        transition = TransitionInput(
            claim_id=claim_id,
            step=2,
            event_type="reviewed",
            at=dt.datetime.now(dt.UTC),
            detail={"note": f"{CANARY_NAME} said\u0000"},
        )
        with pytest.raises(ApplicationError) as refused:
            await ActivityEnvironment().run(
                RecordActivities(engine).record_steps,
                StepsInput(claim_id=claim_id, transitions=[transition]),
            )
    finally:
        await engine.dispose()
    assert refused.value.non_retryable
    assert CANARY_NAME not in f"{refused.value} {caplog.text}"


async def test_database_errors_are_described_without_their_data(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as failed:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT CAST(:x AS integer)"), {"x": CANARY_NAME})
    finally:
        await engine.dispose()
    # SQLAlchemy hides the statement's parameters; asyncpg's own message still quotes a bad
    # one, which is why nothing of ours ever logs or sends on a database message as it is.
    assert "SQL parameters hidden" in str(failed.value)
    assert CANARY_NAME not in failures.describe(failed.value)
