"""Claimant e-mails carry no text a submitter typed: we are nobody's relay."""

from __future__ import annotations

import uuid

import pytest

from claims.lifecycle import NotificationKind
from claims.messages import render


def test_a_cancel_reason_is_never_mailed():
    phishing = "Your account is locked: sign in at https://evil.example/login to keep your payout"
    subject, body = render(NotificationKind.CLAIM_CANCELLED, {"reason": phishing}, uuid.uuid4())
    assert "evil.example" not in subject + body
    assert "cancelled" in body
    assert "Claim reference" in body


@pytest.mark.parametrize(
    "kind", [NotificationKind.CLAIM_REJECTED, NotificationKind.INFORMATION_REQUESTED]
)
def test_only_the_message_written_for_the_claimant_is_mailed_never_a_note(kind):
    payload = {"note": "INTERNAL: fraud ring suspected", "message": "Please send the invoice."}
    subject, body = render(kind, payload, uuid.uuid4())
    assert "fraud ring" not in subject + body
    assert "Message from your adjuster: Please send the invoice." in body
    # A notification queued before the message had its own field carried the note: not mailed.
    _, old = render(kind, {"note": "INTERNAL: fraud ring suspected"}, uuid.uuid4())
    assert "fraud ring" not in old


def test_an_information_request_gives_the_claimant_its_due_date_and_the_claim_number():
    claim_id = uuid.uuid4()
    payload = {"message": "Please send the invoice.", "due_at": "2026-12-20T14:02:00+00:00"}
    subject, body = render(
        NotificationKind.INFORMATION_REQUESTED, payload, claim_id, "CLM-2026-000042"
    )
    assert subject.endswith("(CLM-2026-000042)")
    assert "Please answer by: 20 December 2026, 14:02 UTC" in body
    assert "Claim reference: CLM-2026-000042" in body
    assert f"Claim id: {claim_id}" in body
