"""One golden claim investigated: the workflow's own loop (workflows/investigation_loop.py) and
turn code (activities/agent_turn.py), with the claim's records in memory.

The tools answer from the row: `policy_coverage` its policy, `prior_claims` that there are none
(each row stands alone), `read_document` its documents as the claims worker would read them
(evaluation/documents.py). `ask_claimant` is a simulated claimant: a row that carries what the
claimant sends when asked (`claimant_answer`) adds it as a document; otherwise nothing comes,
as when the deadline passes. The bounds are the service's defaults (CLAIMS_AGENT_*).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio.exceptions import ApplicationError

import contracts as c
from activities.agent_turn import AgentTurns
from claims.agent import AgentLimits, Tool, ToolCall, checked, transcript_summary
from claims.assessment import ClaimFacts
from claims.attachments import AttachedImage
from evaluation.documents import model_documents
from evaluation.golden import GoldenClaim
from workflows.investigation_loop import TurnUnavailableError, answer_text


def _document_id(row: GoldenClaim, index: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"golden/{row.id}/{index}")


class GoldenClaimRuntime:
    """The loop's runtime for one golden claim, and the claim's documents for the turn code."""

    def __init__(
        self, row: GoldenClaim, facts: ClaimFacts, prompt_version: str, timeout_s: float
    ) -> None:
        self._row, self._facts = row, facts
        self._prompt_version, self._timeout_s = prompt_version, timeout_s
        texts, _ = model_documents(row)
        self._documents = {_document_id(row, i): doc for i, doc in enumerate(texts)}
        self._before_question = 0
        self.turns: AgentTurns | None = None
        self.questions: list[str] = []
        self.error: str | None = None
        self.timed_out = False

    # --- the documents, as the llm worker's DocumentSource reads them ------------------------

    async def texts(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[str, str]]:
        return [self._documents[d] for d in document_ids if d in self._documents]

    async def images(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> list[AttachedImage]:
        return []

    async def by_id(
        self, claim_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[str, str]]:
        return {d: self._documents[d] for d in document_ids if d in self._documents}

    # --- the loop's runtime --------------------------------------------------------------------

    async def turn(self, inv: c.Investigation) -> c.AgentTurnResult:
        if self.turns is None:
            raise TurnUnavailableError("no model")
        request = c.AgentTurnInput(
            claim_id=_document_id(self._row, -1),
            facts=self._facts,
            document_ids=list(self._documents),
            steps=inv.steps,
            turn=inv.turns + 1,
            prompt_version=self._prompt_version,
        )
        try:
            async with asyncio.timeout(self._timeout_s):
                return await self.turns.turn(request)
        except TimeoutError:
            self.timed_out, self.error = True, f"no answer within {self._timeout_s:g} s"
        except ApplicationError as failed:
            self.error = failed.message
        raise TurnUnavailableError(self.error)

    async def tool(self, call: ToolCall) -> c.ToolResult:
        tool, args = checked(call)  # the loop checked it already: this cannot fail
        if tool is Tool.POLICY_COVERAGE:
            covered = self._row.policy.model_dump(mode="json", exclude={"holder_name"})
            return c.ToolResult(result=json.dumps(covered, sort_keys=True))
        if tool is Tool.PRIOR_CLAIMS:
            return c.ToolResult(result='{"earlier_claims": [], "duplicate_suspected": false}')
        wanted = uuid.UUID(args["document_id"])
        if wanted not in self._documents:
            return c.ToolResult(result=f"no document {wanted} on this claim", error=True)
        return c.ToolResult(result="document", document_id=wanted)

    async def ask(self, question: str, within: timedelta) -> None:
        self.questions.append(question)
        self._before_question = len(self._documents)
        sent = self._row.claimant_answer
        if sent is not None:
            self._documents[_document_id(self._row, 100 + len(self.questions))] = (
                sent.name,
                sent.text,
            )

    async def read_files(self) -> None:
        return None  # a golden claim's files are read once, by model_documents

    def answer(self) -> str:
        return answer_text(list(self._documents)[self._before_question :])

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def figures_of(inv: c.Investigation, runtime: GoldenClaimRuntime) -> dict[str, Any]:
    """What a prediction records of its investigation (the report's agent figures)."""
    return {
        "turns": inv.turns,
        "tool_calls": inv.tool_calls,
        "questions": len(runtime.questions),
        "trajectory": transcript_summary(inv.steps),
    }


DEFAULT_LIMITS = AgentLimits()
