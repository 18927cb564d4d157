"""A claim whose id is known before it is submitted, so that a fault can be set up for it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from app.services.submission import claim_id_for
from contracts import workflow_id_for
from tests.support.api import ADMIN, SUBMITTER
from tests.support.stack import Stack
from tools import samples as f

# Updates answer within 2 s; two failed attempts of a step flag it as retrying.
FAST = {"update_wait_s": 2.0, "step_alert_attempts": 2}
# Above the auto-approve limit: an adjuster decides.
NEEDS_REVIEW = Decimal("6000.00")


class Submission:
    """A claim whose id is known before it is submitted, so a fault can be set up for it."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.engine = stack.engine
        self.key = uuid.uuid4().hex
        caller = stack.settings.dev_submitter
        self.claim_id = claim_id_for(caller, self.key)

    async def submit(self, **overrides: Any) -> None:
        policy = await self.stack.add_policy(f.policy())
        response = await self.stack.http.post(
            "/v1/claims",
            headers=SUBMITTER | {"Idempotency-Key": self.key},
            json=f.submission_json(policy.policy_number, **overrides),
        )
        assert response.status_code == 202, response.text

    async def get(self) -> dict[str, Any]:
        response = await self.stack.http.get(f"/v1/claims/{self.claim_id}", headers=ADMIN)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def search_attribute(self, key: Any) -> Any:
        handle = self.stack.client.get_workflow_handle(workflow_id_for(self.claim_id))
        return (await handle.describe()).typed_search_attributes.get(key)

    async def retry(self, headers: dict[str, str] = ADMIN) -> httpx.Response:
        return await self.stack.http.post(f"/v1/claims/{self.claim_id}/retry", headers=headers)
