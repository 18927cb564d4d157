"""What operators see of a claim while it runs: its status, search attributes, current details.

The claim's status lives in `ClaimState` (the query); the `ClaimStatus` search attribute
follows it, at most once per step written, since each upsert is a visibility write on the
server. The current details are the line operators read in the Web UI.
"""

from __future__ import annotations

from temporalio import workflow

from claims.lifecycle import ClaimStatus
from contracts import ClaimState, ClaimWorkflowInput
from contracts import search_attributes as sa


class StatusBoard:
    """The claim's status and what it waits for, as the query and the Web UI show them."""

    def __init__(self, input: ClaimWorkflowInput, claim: ClaimState) -> None:
        self._input = input
        self._claim = claim
        self._unpublished = False

    def move(self, status: ClaimStatus) -> None:
        """The claim's new status, published with the next step written (`publish`)."""
        self._claim.moved_to(status)
        self._unpublished = True
        self.refresh()

    def set(self, status: ClaimStatus) -> None:
        """The claim's new status, published now (parking and its retry)."""
        self._claim.moved_to(status)
        self._unpublished = True
        self.publish()
        self.refresh()

    def publish(self) -> None:
        if self._unpublished:
            self._unpublished = False
            workflow.upsert_search_attributes([sa.CLAIM_STATUS.value_set(self._claim.status.value)])

    def wait_on(self, what: str | None) -> None:
        """Note what the claim is waiting for (the query, and the Web UI's current details)."""
        self._claim.waiting_for(what)
        self.refresh()

    def escalated(self) -> None:
        """Past the review SLA: the queue puts the claim first, the Web UI can filter on it."""
        self._claim.review_escalated()
        self._publish_escalated()

    def review_taken(self) -> None:
        """An adjuster decided: the claim is no longer escalated."""
        self._claim.review_taken()
        self._publish_escalated()

    def _publish_escalated(self) -> None:
        workflow.upsert_search_attributes([sa.ESCALATED.value_set(self._claim.escalated)])
        self.refresh()

    def retrying(self, retrying: bool) -> None:
        workflow.upsert_search_attributes([sa.STEP_RETRYING.value_set(retrying)])

    def refresh(self) -> None:
        """The line operators read in the Web UI: state, what it waits for, the money."""
        claim = self._input.submission
        status = f"**{self._claim.status.value}**"
        if self._claim.waiting_on:
            status += f": waiting for {self._claim.waiting_on}"
        if self._claim.escalated:
            status += " (escalated: past the review SLA)"
        payable = self._claim.payable_amount
        money = f"payable {payable} {claim.currency}" if payable else "payable unknown"
        workflow.set_current_details(
            f"{status}\n\n{claim.claim_type} claim of {claim.amount} {claim.currency} on "
            f"policy {claim.policy_number}; {money}"
        )
