"""Which recorded steps become webhook events, and what a subscriber may ask for."""

from __future__ import annotations

from claims.lifecycle import STATUS_EVENT, ClaimStatus, EventType
from claims.webhooks import WEBHOOK_EVENT_OF, WebhookEvent

# The least a client must be able to hear about: a claim's arrival, the model's verdict, every
# wait for a person or an operator, and how it ended.
REQUIRED = {
    "submitted",
    "assessed",
    "review_requested",
    "escalated",
    "needs_attention",
    "approved",
    "paid",
    "rejected",
    "cancelled",
}


def test_every_required_event_can_be_subscribed_to() -> None:
    names = {str(event).removeprefix("claim.") for event in WebhookEvent}
    assert names >= REQUIRED


def test_every_client_facing_status_is_announced_by_the_step_that_records_it() -> None:
    internal = {ClaimStatus.ASSESSING, ClaimStatus.PAYING}
    for status, event in STATUS_EVENT.items():
        if status not in internal:
            assert event in WEBHOOK_EVENT_OF, status
    assert EventType.POLICY_CHECKED not in WEBHOOK_EVENT_OF


def test_each_webhook_event_comes_from_exactly_one_audit_event() -> None:
    assert sorted(WEBHOOK_EVENT_OF.values()) == sorted(WebhookEvent)
