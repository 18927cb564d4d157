"""Policies: reference data that claims are checked against."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Path, Response, status

from app.auth import Admin, AnyCaller
from app.deps import EngineDep
from app.problems import Problem
from app.responses import AUTHENTICATED, ROLE_CHECKED, WITH_BODY
from app.schemas import PolicyOut
from claims.models import POLICY_NUMBER_PATTERN, Policy
from infra.settings import Role
from infra.store import policies

router = APIRouter(prefix="/v1/policies", tags=["policies"], responses=AUTHENTICATED)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Policy,
    responses={
        200: {"description": "an existing policy was replaced"},
        **ROLE_CHECKED,
        **WITH_BODY,
    },
)
async def put_policy(policy: Policy, response: Response, _: Admin, engine: EngineDep) -> Policy:
    """Create a policy, or replace the one with the same number."""
    async with engine.begin() as conn:
        created = await policies.upsert(conn=conn, policy=policy)
    if not created:
        response.status_code = status.HTTP_200_OK
    return policy


@router.get(
    "/{policy_number}",
    response_model=PolicyOut,
    responses={404: {"model": Problem, "description": "no such policy"}},
)
async def get_policy(
    caller: AnyCaller,
    engine: EngineDep,
    policy_number: str = Path(pattern=POLICY_NUMBER_PATTERN),
) -> PolicyOut:
    """One policy by number; the holder's name is for adjusters and admins only."""
    async with engine.connect() as conn:
        policy = await policies.get(conn=conn, policy_number=policy_number)
    if policy is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"policy {policy_number} not found")
    shown = policy.model_dump()
    if caller.role is Role.SUBMITTER:
        shown["holder_name"] = None
    return PolicyOut.model_validate(shown)
