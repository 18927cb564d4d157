"""The investigation's tools that read our records, on the claims worker (local activities).

Read-only, so a retry or a replayed crash runs one twice with no effect. Each answers the model
in a few hundred characters of JSON; a document is answered by reference (the llm worker reads
its text for each turn), so the history stays small. Another claimant's words never reach the
model: earlier claims are compared here and described by their facts and the likeness found.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

import contracts as c
from activities.failures import classified
from claims.agent import BadToolCallError, Tool, checked
from claims.duplicates import likeness
from infra.store import policies, prior_claims
from infra.store.prior_claims import ClaimSketch


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _refused(reason: str) -> c.ToolResult:
    return c.ToolResult(result=reason, error=True)


def describe_prior(this: ClaimSketch, earlier: list[ClaimSketch]) -> c.ToolResult:
    found = []
    for other in earlier:
        like = likeness(
            incident_date=this.incident_date,
            description=this.description,
            digests=this.digests,
            earlier_incident_date=other.incident_date,
            earlier_description=other.description,
            earlier_digests=other.digests,
        )
        found.append(
            {
                "claim": str(other.claim_id)[:8],
                "same_policy": other.policy_number == this.policy_number,
                "claim_type": other.claim_type,
                "incident_date": other.incident_date.isoformat(),
                "amount": str(other.amount),
                "status": other.status,
                "approved_amount": str(other.approved_amount) if other.approved_amount else None,
                "same_incident_date": like.same_incident_date,
                "similar_description": like.similar_description,
                "shared_documents": like.shared_documents,
                "duplicate_suspected": like.duplicate,
            }
        )
    suspected = any(item["duplicate_suspected"] for item in found)
    return c.ToolResult(
        result=_json({"earlier_claims": found, "duplicate_suspected": suspected}),
        duplicate_suspected=suspected,
    )


class AgentTools:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name=c.RUN_TOOL.name)
    async def agent_tool(self, request: c.ToolInput) -> c.ToolResult:  # noqa: PLR0911 (a tool each)
        """Run one of the investigation's record tools; a bad call is answered, never raised."""
        try:
            tool, args = checked(request.call)
        except BadToolCallError as exc:
            return _refused(str(exc))
        if tool is Tool.READ_DOCUMENT:
            wanted = uuid.UUID(args["document_id"])
            if wanted not in request.document_ids:
                return _refused(f"no document {wanted} on this claim")
            return c.ToolResult(result="document", document_id=wanted)
        async with classified(c.RUN_TOOL.name), self._engine.connect() as conn:
            if tool is Tool.POLICY_COVERAGE:
                policy = await policies.get(conn=conn, policy_number=request.policy_number)
                if policy is None:
                    return _refused("the claim's policy is not on record")
                return c.ToolResult(
                    result=_json(policy.model_dump(mode="json", exclude={"holder_name"}))
                )
            if tool is Tool.PRIOR_CLAIMS:
                found = await prior_claims.with_prior(conn=conn, claim_id=request.claim_id)
                if found is None:
                    return _refused("the claim is not on record yet")
                return describe_prior(*found)
        return _refused(f"{tool.value} is not a record tool")
