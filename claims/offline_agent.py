"""The offline assessor as an investigator: the same tools, a fixed and deterministic policy.

Behind `offline/claims-assessor` when the request carries tools. It looks for earlier claims,
reads every document of the claim, asks the claimant once for a police report a theft lacks,
and then answers as the one-shot offline assessor would on what it has read (plus a possible
duplicate). A keyword heuristic, like its one-shot self: it exists so the investigation runs
anywhere, not to be clever.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from claims.agent import Tool, ToolCall
from claims.assessment import DATA_BEGIN, DATA_END, ModelAnswer, Recommendation, extract_facts
from claims.attachments import message_text
from claims.offline_assessor import assess, red_flags

POLICE_REPORT_QUESTION = (
    "Your claim is for a theft. Please upload the police report (or its reference) so that we "
    "can assess it."
)
_DOCUMENT_LINE = re.compile(r"^document ([0-9a-f-]{36}):")
MAX_READS_PER_TURN = 5


def _data(content: str) -> Any:
    """The JSON value between the markers of a tool result (None when there is none)."""
    start, end = content.find(DATA_BEGIN), content.rfind(DATA_END)
    if start < 0 or end < 0:
        return None
    try:
        return json.loads(content[start + len(DATA_BEGIN) : end])
    except ValueError:
        return None


def _transcript(messages: list[dict[str, Any]]) -> tuple[list[ToolCall], list[Any]]:
    calls: list[ToolCall] = []
    results: list[Any] = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            calls.append(
                ToolCall(
                    call_id=str(call.get("id")),
                    name=str(function.get("name")),
                    arguments=str(function.get("arguments") or "{}"),
                )
            )
        if message.get("role") == "tool":
            results.append(_data(message_text(message.get("content"))))
    return calls, results


def _call(turn: int, index: int, tool: Tool, **arguments: Any) -> ToolCall:
    return ToolCall(
        call_id=f"offline-{turn}-{index}", name=tool.value, arguments=json.dumps(arguments)
    )


def next_step(messages: list[dict[str, Any]]) -> list[ToolCall] | ModelAnswer:
    """The tool calls of this turn, or the final answer."""
    facts = extract_facts(messages)
    if facts is None:
        return ModelAnswer(
            recommendation=Recommendation.REVIEW,
            confidence=0.0,
            rationale="No delimited claim data was found in the prompt.",
            risk_flags=["no_claim_data"],
        )
    calls, results = _transcript(messages)
    turn = sum(1 for m in messages if m.get("role") == "assistant")
    called = [c.name for c in calls]
    if Tool.PRIOR_CLAIMS not in called:
        return [_call(turn, 0, Tool.PRIOR_CLAIMS)]
    read = {
        json.loads(c.arguments).get("document_id") for c in calls if c.name == Tool.READ_DOCUMENT
    }
    listed = [m.group(1) for line in facts.documents if (m := _DOCUMENT_LINE.match(line))]
    unread = [d for d in listed if d not in read][:MAX_READS_PER_TURN]
    if unread:
        return [
            _call(turn, i, Tool.READ_DOCUMENT, document_id=str(uuid.UUID(d)))
            for i, d in enumerate(unread)
        ]
    texts = [r["text"] for r in results if isinstance(r, dict) and isinstance(r.get("text"), str)]
    seen = facts.model_copy(update={"documents": texts})
    if "theft_without_police_report" in red_flags(seen) and Tool.ASK_CLAIMANT not in called:
        return [_call(turn, 0, Tool.ASK_CLAIMANT, question=POLICE_REPORT_QUESTION)]
    answer = assess(seen)
    if any(_duplicate(r) for r in results):
        return ModelAnswer(
            recommendation=Recommendation.REVIEW,
            confidence=0.6,
            rationale="An earlier claim looks like the same one: " + answer.rationale,
            risk_flags=[*answer.risk_flags, "possible_duplicate"],
        )
    return answer


def _duplicate(result: Any) -> bool:
    inner = result.get("result") if isinstance(result, dict) else None
    if not isinstance(inner, str):
        return False
    try:
        found = json.loads(inner)
    except ValueError:
        return False
    return isinstance(found, dict) and bool(found.get("duplicate_suspected"))
