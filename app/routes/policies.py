"""Policies: reference data that claims are checked against."""

from __future__ import annotations

from fastapi import APIRouter, Path, Response, status

from app.http.auth import Admin, AnyCaller
from app.http.deps import PoliciesDep
from app.http.openapi import AUTHENTICATED, ROLE_CHECKED, WITH_BODY
from app.http.problems import Problem
from app.schemas import PolicyOut
from claims.models import POLICY_NUMBER_PATTERN, Policy

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
async def put_policy(policy: Policy, response: Response, _: Admin, policies: PoliciesDep) -> Policy:
    """Create a policy, or replace the one with the same number."""
    if not await policies.put(policy):
        response.status_code = status.HTTP_200_OK
    return policy


@router.get(
    "/{policy_number}",
    response_model=PolicyOut,
    responses={404: {"model": Problem, "description": "no such policy"}},
)
async def get_policy(
    caller: AnyCaller,
    policies: PoliciesDep,
    policy_number: str = Path(pattern=POLICY_NUMBER_PATTERN),
) -> PolicyOut:
    """One policy by number; the holder's name is for adjusters and admins only."""
    return await policies.get(caller, policy_number)
