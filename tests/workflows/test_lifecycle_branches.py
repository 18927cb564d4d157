"""Every branch of a claim's lifecycle, on the time-skipping test server in milliseconds.

The claim's `submitted` event is written by the admit step itself; the trails below are the
steps recorded after it, in order.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

import contracts as c
from claims.assessment import Recommendation
from claims.lifecycle import ClaimStatus, ErrorType
from claims.models import ClaimSubmission, PolicyStatus
from claims.transitions import SubmittedFile
from tests.workflows.harness import Mocks, answer, claim, step_failed
from tools import samples as f

PAID_TRAIL = ["approved", "payment_started", "paid"]


def red_flag(number: str) -> ClaimSubmission:
    return f.submission(number, description=f.RED_FLAG_DESCRIPTION)


async def test_an_ordinary_claim_is_auto_approved_and_paid_once(client: Client) -> None:
    async with claim(client) as run:
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert final.approved_amount == Decimal("750.00")  # 1,250 less the 500 deductible
    assert run.mocks.events == ["policy_checked", "assessed", *PAID_TRAIL]
    assert [p.attempt for p in run.mocks.payments] == [1]
    assert run.mocks.notifications == ["claim_paid"]


async def test_a_hard_rule_rejects_without_asking_the_model(client: Client) -> None:
    lapsed = f.policy(status=PolicyStatus.LAPSED)
    async with claim(client, policy=lapsed) as run:
        final = await run.result()
    assert final.status is ClaimStatus.REJECTED
    assert run.mocks.events == ["policy_checked", "rejected"]
    assert run.mocks.assessments == []
    assert run.mocks.payments == []
    assert run.mocks.notifications == ["claim_rejected"]


@pytest.mark.parametrize(
    ("decision", "fields", "status", "trail", "paid"),
    [
        (c.ReviewDecision.APPROVE, {}, ClaimStatus.PAID, ["reviewed", *PAID_TRAIL], "750.00"),
        (
            c.ReviewDecision.APPROVE,
            {"approved_amount": Decimal("400.00"), "note": "only the receipt's part"},
            ClaimStatus.PAID,
            ["reviewed", *PAID_TRAIL],
            "400.00",
        ),
        (
            c.ReviewDecision.REJECT,
            {"note": "internal", "message_to_claimant": "We cannot pay this."},
            ClaimStatus.REJECTED,
            ["reviewed", "rejected"],
            None,
        ),
    ],
)
async def test_a_person_approves_in_full_or_in_part_or_rejects(
    client: Client,
    decision: c.ReviewDecision,
    fields: dict[str, object],
    status: ClaimStatus,
    trail: list[str],
    paid: str | None,
) -> None:
    policy = f.policy()
    async with claim(client, red_flag(policy.policy_number), policy=policy) as run:
        waiting = await run.reaches(ClaimStatus.AWAITING_REVIEW)
        assert waiting.waiting_on == "adjuster review"
        answered = await run.review(decision, **fields)
        assert answered.status in (ClaimStatus.APPROVED, ClaimStatus.PAYING, status)
        final = await run.result()
    assert final.status is status
    assert run.mocks.events == ["policy_checked", "assessed", "review_requested", *trail]
    assert [str(p.amount) for p in run.mocks.payments] == ([paid] if paid else [])


async def test_information_is_asked_for_then_the_claim_is_assessed_again(client: Client) -> None:
    mocks = Mocks(answers=[answer(Recommendation.REVIEW), answer(Recommendation.APPROVE)])
    async with claim(client, mocks=mocks) as run:
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        await run.review(c.ReviewDecision.REQUEST_INFO, message_to_claimant="The invoice, please")
        asked = await run.reaches(ClaimStatus.AWAITING_INFO)
        assert asked.waiting_on == "documents from the claimant"
        document = c.DocumentAdded(
            document_id=f.NO_SUCH_CLAIM, name="invoice.txt", by=c.Actor(name="portal", role="x")
        )
        await run.update(c.ADD_DOCUMENT_UPDATE, document)
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert len(mocks.assessments) == 2
    assert mocks.assessments[1].document_ids == [f.NO_SUCH_CLAIM]
    trail = mocks.events
    assert trail[trail.index("info_requested") :] == [
        "info_requested",
        "document_added",
        "information_received",
        "assessed",
        *PAID_TRAIL,
    ]
    assert "information_requested" in mocks.notifications


async def test_a_claimant_who_never_answers_has_the_claim_assessed_again_at_the_deadline(
    client: Client, time_skipping: WorkflowEnvironment
) -> None:
    mocks = Mocks(answers=[answer(Recommendation.REVIEW), answer(Recommendation.APPROVE)])
    async with claim(client, mocks=mocks) as run:
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        await run.review(c.ReviewDecision.REQUEST_INFO, message_to_claimant="The invoice, please")
        asked = await run.reaches(ClaimStatus.AWAITING_INFO)
        assert asked.info_due_at is not None
        # The default deadline is 14 days: a day short of it, the claim still waits.
        await time_skipping.sleep(timedelta(days=13))
        assert (await run.state()).status is ClaimStatus.AWAITING_INFO
        await time_skipping.sleep(timedelta(days=2))
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert len(mocks.assessments) == 2
    trail = mocks.events
    assert trail[trail.index("info_requested") :] == [
        "info_requested",
        "information_received",
        "assessed",
        *PAID_TRAIL,
    ]


async def test_past_the_review_sla_the_claim_is_escalated_and_keeps_waiting(
    client: Client, time_skipping: WorkflowEnvironment
) -> None:
    policy = f.policy()
    async with claim(client, red_flag(policy.policy_number), policy=policy) as run:
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        await time_skipping.sleep(timedelta(hours=49))  # the SLA is 48 hours
        escalated = await run.state()
        assert escalated.escalated is True
        assert escalated.status is ClaimStatus.AWAITING_REVIEW
        await run.review(c.ReviewDecision.APPROVE)
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert final.escalated is False  # a review takes the claim out of the queue
    assert run.mocks.events[2:5] == ["review_requested", "escalated", "reviewed"]
    assert "review_escalated" in run.mocks.notifications


async def test_a_claim_waiting_for_review_is_cancelled(client: Client) -> None:
    policy = f.policy()
    async with claim(client, red_flag(policy.policy_number), policy=policy) as run:
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        await run.update(
            c.CANCEL_UPDATE, c.CancelInput(reason="withdrawn", by=c.Actor(name="p", role="s"))
        )
        final = await run.result()
    assert final.status is ClaimStatus.CANCELLED
    assert run.mocks.events[-1] == "cancelled"
    assert run.mocks.payments == []
    assert run.mocks.notifications == ["claim_cancelled"]


async def test_a_refused_payment_is_released_and_a_person_decides_again(client: Client) -> None:
    mocks = Mocks(refusals={1: "account closed"})
    async with claim(client, mocks=mocks) as run:
        back = await run.reaches(ClaimStatus.AWAITING_REVIEW)
        assert back.review_reasons == ["payment_failed"]
        await run.review(c.ReviewDecision.APPROVE)
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert [p.attempt for p in mocks.payments] == [1, 2]
    assert [(r.attempt, r.reason) for r in mocks.releases] == [(1, "account closed")]
    assert "payment_failed" in mocks.events
    assert mocks.events[-3:] == PAID_TRAIL


async def test_a_step_that_cannot_succeed_parks_the_claim_until_an_operator_retries(
    client: Client,
) -> None:
    mocks = Mocks(step_failures={"approved": [step_failed("a constraint refused the row")]})
    async with claim(client, mocks=mocks) as run:
        parked = await run.reaches(ClaimStatus.NEEDS_ATTENTION)
        assert parked.waiting_on is not None
        assert parked.waiting_on.startswith("an operator")
        retried = await run.update(c.RETRY_UPDATE, c.RetryInput(by=c.Actor(name="ops", role="a")))
        assert retried.status is not ClaimStatus.NEEDS_ATTENTION
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    assert "needs_attention" in mocks.events
    assert "retried" in mocks.events
    assert mocks.events[-3:] == PAID_TRAIL
    assert "claim_needs_attention" in mocks.notifications


async def test_a_review_ahead_of_the_workflow_is_refused_then_taken_when_it_is_due(
    client: Client,
) -> None:
    policy = f.policy()
    mocks = Mocks(hold_assessment=asyncio.Event())
    async with claim(client, red_flag(policy.policy_number), policy=policy, mocks=mocks) as run:
        await run.reaches(ClaimStatus.ASSESSING)
        with pytest.raises(WorkflowUpdateFailedError) as early:
            await run.review(c.ReviewDecision.APPROVE)
        assert isinstance(early.value.cause, ApplicationError)
        assert early.value.cause.type == ErrorType.CLAIM_NOT_AWAITING_REVIEW
        assert mocks.hold_assessment is not None
        mocks.hold_assessment.set()
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        await run.review(c.ReviewDecision.APPROVE)
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    # The refused review never entered the history: one review recorded.
    assert mocks.events.count("reviewed") == 1


async def test_nobody_decides_a_claim_they_submitted(client: Client) -> None:
    policy = f.policy()
    async with claim(client, red_flag(policy.policy_number), policy=policy) as run:
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        own = c.ReviewInput(
            decision=c.ReviewDecision.APPROVE, adjuster_name="portal", adjuster_role="admin"
        )
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await run.update(c.REVIEW_UPDATE, own)
        assert isinstance(refused.value.cause, ApplicationError)
        assert refused.value.cause.type == ErrorType.OWN_CLAIM
        await run.review(c.ReviewDecision.REJECT, note="not for us")
        assert (await run.result()).status is ClaimStatus.REJECTED


@pytest.mark.parametrize("reading_fails", [False, True])
async def test_a_pdf_is_read_before_the_model_is_asked_again_and_never_fails_the_claim(
    client: Client, reading_fails: bool
) -> None:
    mocks = Mocks(
        answers=[answer(Recommendation.REVIEW), answer(Recommendation.APPROVE)],
        reading_fails=reading_fails,
    )
    pdf_id, photo_id = uuid.uuid4(), uuid.uuid4()
    portal = c.Actor(name="portal", role="submitter")
    async with claim(client, mocks=mocks) as run:
        await run.reaches(ClaimStatus.AWAITING_REVIEW)
        for document_id, kind in ((pdf_id, "pdf"), (photo_id, "png")):
            added = c.DocumentAdded(document_id=document_id, name=kind, by=portal, kind=kind)
            await run.update(c.ADD_DOCUMENT_UPDATE, added)
        # Announced again (a client's retry after a crash): the claim has it once.
        again = c.DocumentAdded(document_id=pdf_id, name="pdf", by=portal, kind="pdf")
        await run.update(c.ADD_DOCUMENT_UPDATE, again)
        await run.review(c.ReviewDecision.REQUEST_INFO, message_to_claimant="And the invoice?")
        await run.reaches(ClaimStatus.AWAITING_INFO)
        note = c.DocumentAdded(document_id=uuid.uuid4(), name="note.txt", by=portal)
        await run.update(c.ADD_DOCUMENT_UPDATE, note)
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    # Only the PDF is read (a photo is shown as it is), once, before the second assessment.
    assert [r.document_ids for r in mocks.reads] == [[pdf_id]]
    assert mocks.assessments[1].document_ids[:2] == [pdf_id, photo_id]
    assert len(mocks.assessments[1].document_ids) == 3
    assert final.unread_files == []


async def test_files_sent_with_the_submission_are_the_claims_from_its_first_step(
    client: Client,
) -> None:
    sent = [
        SubmittedFile(document_id=uuid.uuid4(), name=n, kind=k, size_bytes=1, sha256=n)
        for n, k in (("a.pdf", "pdf"), ("b.jpg", "jpeg"))
    ]
    mocks = Mocks()
    async with claim(client, mocks=mocks, files=sent) as run:
        final = await run.result()
    assert final.status is ClaimStatus.PAID
    # The admit step writes their rows; the first assessment has them, the PDF read before it.
    assert mocks.admitted[0].files == sent
    assert mocks.assessments[0].document_ids == [s.document_id for s in sent]
    assert [r.document_ids for r in mocks.reads] == [[sent[0].document_id]]
