"""Insurance policies: the reference data that claims are checked against."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.schemas import PolicyOut
from app.services.errors import NotFoundError
from claims.models import Policy
from infra.api_keys import ApiKey, Role
from infra.store import policies


class PolicyBook:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def put(self, policy: Policy) -> bool:
        """Create the policy, or replace the one with its number; True when it was new."""
        async with self._engine.begin() as conn:
            return await policies.upsert(conn=conn, policy=policy)

    async def get(self, caller: ApiKey, policy_number: str) -> PolicyOut:
        """One policy; the holder's name is for adjusters and admins only."""
        async with self._engine.connect() as conn:
            policy = await policies.get(conn=conn, policy_number=policy_number)
        if policy is None:
            raise NotFoundError(f"policy {policy_number} not found")
        shown = policy.model_dump()
        if caller.role is Role.SUBMITTER:
            shown["holder_name"] = None
        return PolicyOut.model_validate(shown)
