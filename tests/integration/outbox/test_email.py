"""Claimant e-mails leave the outbox through a real SMTP server (aiosmtpd), once each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from devstack.mail import MailSink
from devstack.processes import free_port
from tests.support.api import ADJUSTER, SUBMITTER, create_policy, submit, wait_for_claim
from tests.support.outbox import FAST_OUTBOX, until
from tests.support.stack import StackFactory
from tools import samples as f
from tools.waiting import wait_for


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink(port=free_port())
    sink.start()
    yield sink
    sink.stop()


def mail_about(sink: MailSink, claim_id: str) -> list[str]:
    """Message-IDs of the messages that name this claim."""
    return [str(m["Message-ID"]) for m in sink.messages if claim_id in m.get_content()]


async def test_paid_and_rejected_claimants_get_one_email_each(
    make_stack: StackFactory, mail_sink: MailSink
) -> None:
    settings = {"smtp_host": "127.0.0.1", "smtp_port": mail_sink.port} | FAST_OUTBOX
    async with make_stack(**settings, smtp_sender="claims@insurer.example") as stack:
        number = await create_policy(stack.http)
        paid = await submit(stack.http, number)
        rejected = await submit(
            stack.http, "POL-UNKNOWN-2", claimant={"name": "Bo", "email": "bo@example.org"}
        )
        await wait_for_claim(stack.http, paid["claim_id"], {"paid"})
        await wait_for_claim(stack.http, rejected["claim_id"], {"rejected"})

        await until(lambda: bool(mail_about(mail_sink, paid["claim_id"])), "the paid e-mail")
        await until(lambda: bool(mail_about(mail_sink, rejected["claim_id"])), "the rejection")

        async def notifications() -> list[Any]:
            async with stack.engine.connect() as conn:
                return list(
                    (
                        await conn.execute(
                            sa.text(
                                "SELECT id, kind, sent_at, attempts FROM notification "
                                "WHERE claim_id IN (:a, :b) ORDER BY id"
                            ),
                            {
                                "a": uuid.UUID(paid["claim_id"]),
                                "b": uuid.UUID(rejected["claim_id"]),
                            },
                        )
                    ).all()
                )

        # Sent, each once (the sink below holds one message per claim). The sink has a message
        # a moment before its sender records it; an attempt may time out on a loaded machine
        # before it reaches the sink and be tried again: that is not a copy.
        rows = await wait_for(
            notifications,
            lambda found: len(found) == 2 and all(r.sent_at is not None for r in found),
            what="both notifications recorded as sent",
        )
        assert sorted(r.kind for r in rows) == ["claim_paid", "claim_rejected"]
        row_of = {r.kind: r for r in rows}

    by_id = {str(m["Message-ID"]): m for m in mail_sink.messages}
    paid_mail = by_id[f"<notification-{row_of['claim_paid'].id}@insurer.example>"]
    rejected_mail = by_id[f"<notification-{row_of['claim_rejected'].id}@insurer.example>"]
    assert mail_about(mail_sink, paid["claim_id"]) == [paid_mail["Message-ID"]]
    assert mail_about(mail_sink, rejected["claim_id"]) == [rejected_mail["Message-ID"]]
    assert paid_mail["To"] == "ada@example.com"
    assert paid_mail["From"] == "claims@insurer.example"
    # Named by the number a claimant quotes on the phone (the id stays in the body).
    assert paid_mail["Subject"] == f"Your claim has been paid ({paid['claim_number']})"
    assert f"Claim reference: {paid['claim_number']}" in paid_mail.get_content()
    assert rejected_mail["To"] == "bo@example.org"
    assert "declined" in rejected_mail["Subject"]
    # The e-mail is about the claim, not a copy of it: no story, no name.
    assert "Rear-ended" not in paid_mail.get_content()


INTERNAL = "INTERNAL: the repair shop is on our watch list; do not tell the claimant"


async def test_claimants_read_only_what_was_written_for_them_never_the_internal_note(
    make_stack: StackFactory, mail_sink: MailSink
) -> None:
    settings = {"smtp_host": "127.0.0.1", "smtp_port": mail_sink.port} | FAST_OUTBOX
    async with make_stack(**settings) as stack:
        number = await create_policy(stack.http)
        rejected = await submit(stack.http, number, description=f.RED_FLAG_DESCRIPTION)
        asked = await submit(stack.http, number, description=f.RED_FLAG_DESCRIPTION)
        partial = await submit(stack.http, number, description=f.RED_FLAG_DESCRIPTION)
        for claim in (rejected, asked, partial):
            await wait_for_claim(stack.http, claim["claim_id"], {"awaiting_review"})
        reviews = {
            rejected["claim_id"]: {
                "decision": "reject",
                "note": INTERNAL,
                "message_to_claimant": "We could not confirm the theft with the police.",
            },
            asked["claim_id"]: {
                "decision": "request_info",
                "note": INTERNAL,
                "message_to_claimant": "Please send the police report's reference.",
            },
            # A partial payment: the claimant's paid e-mail says why, never the note.
            partial["claim_id"]: {
                "decision": "approve",
                "approved_amount": "100.00",
                "note": INTERNAL,
                "message_to_claimant": "We pay the bumper; the headlight was damaged before.",
            },
        }
        for claim_id, review in reviews.items():
            answered = await stack.http.post(
                f"/v1/claims/{claim_id}/review", headers=ADJUSTER, json=review
            )
            assert answered.status_code == 200, answered.text
        await until(
            lambda: all(mail_about(mail_sink, claim_id) for claim_id in reviews),
            "the claimants' mail",
        )
        # What the claimant's client system reads of the claim carries no internal note either.
        seen = (await stack.http.get(f"/v1/claims/{asked['claim_id']}", headers=SUBMITTER)).text
        staff = (await stack.http.get(f"/v1/claims/{asked['claim_id']}", headers=ADJUSTER)).text
    bodies = {
        claim_id: "".join(
            m.get_content() for m in mail_sink.messages if claim_id in m.get_content()
        )
        for claim_id in reviews
    }
    assert "We could not confirm the theft with the police." in bodies[rejected["claim_id"]]
    assert "Please send the police report's reference." in bodies[asked["claim_id"]]
    assert "Message from your adjuster" in bodies[asked["claim_id"]]
    paid_body = bodies[partial["claim_id"]]
    assert "Amount: 100.00 USD" in paid_body
    assert "Message from your adjuster: We pay the bumper; the headlight was damaged before." in (
        paid_body
    )
    for body in bodies.values():
        assert "watch list" not in body
    assert "watch list" not in seen
    assert "Please send the police report's reference." in seen
    assert "watch list" in staff  # staff read the note
