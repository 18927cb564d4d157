"""Claimant e-mails carry no text a submitter typed: we are nobody's relay."""

from __future__ import annotations

import uuid

from claims.lifecycle import NotificationKind
from claims.messages import render


def test_a_cancel_reason_is_never_mailed():
    phishing = "Your account is locked: sign in at https://evil.example/login to keep your payout"
    subject, body = render(NotificationKind.CLAIM_CANCELLED, {"reason": phishing}, uuid.uuid4())
    assert "evil.example" not in subject + body
    assert "cancelled" in body
    assert "Claim reference" in body
