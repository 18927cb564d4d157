"""Ownership stays with the principal when the key list changes (a restart with other keys)."""

from __future__ import annotations

from infra.settings import DEV_API_KEYS
from tests.support.api import create_policy, submit
from tests.support.stack import StackFactory

A = "a-portal-key-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
B = "b-portal-key-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"


async def test_the_remaining_key_never_inherits_a_removed_keys_claims_or_webhooks(
    make_stack: StackFactory,
) -> None:
    """Dev names unnamed keys by their digest: removing A leaves B as B, not as A's heir."""
    as_a = {"Authorization": f"Bearer {A}"}
    as_b = {"Authorization": f"Bearer {B}"}
    async with make_stack(api_keys=f"{DEV_API_KEYS},{A}:submitter,{B}:submitter") as stack:
        number = await create_policy(stack.http)
        claim = await submit(stack.http, number, headers=as_a)
        hook = await stack.http.post(
            "/v1/webhooks",
            headers=as_a,
            json={"url": "http://127.0.0.1:9/hooks", "events": ["claim.paid"]},
        )
        assert hook.status_code == 201
    async with make_stack(api_keys=f"{DEV_API_KEYS},{B}:submitter") as restarted:
        read = await restarted.http.get(f"/v1/claims/{claim['claim_id']}", headers=as_b)
        assert read.status_code == 404
        rotate = await restarted.http.post(
            f"/v1/webhooks/{hook.json()['id']}/rotate-secret", headers=as_b
        )
        assert rotate.status_code == 404
        assert (await restarted.http.get("/v1/webhooks", headers=as_b)).json() == []
