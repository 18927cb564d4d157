"""The chat an investigating model is shown: instructions, the claim, then each turn and result.

Rebuilt for every turn from the workflow's compact transcript (claims/agent.py). Tool results
are data from claimants and our systems, so each travels between the same markers as the claim,
escaped the same way (claims/assessment.py): a document that says "ignore your instructions"
is a document saying so.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from claims.agent import AGENT_INSTRUCTIONS, Step, tool_definitions
from claims.assessment import DATA_BEGIN, DATA_END, ClaimFacts, encode_data, encode_value
from claims.assessment import system_prompt as one_shot_prompt

NOT_A_TOOL_CALL = (
    "Your reply was neither a tool call nor a valid `recommend` call ({reason}). "
    "Call a tool, or call `recommend` with your answer."
)


def agent_prompt(prompt_version: str) -> str:
    return one_shot_prompt(prompt_version) + AGENT_INSTRUCTIONS


def as_data(value: Any) -> str:
    return f"{DATA_BEGIN}\n{encode_value(value)}\n{DATA_END}"


def _result_content(step: Step, documents: Mapping[uuid.UUID, str]) -> str:
    if step.document_id is not None and not step.error:
        text = documents.get(step.document_id, "(the document could not be read)")
        return as_data({"tool": step.tool, "document_id": str(step.document_id), "text": text})
    return as_data({"tool": step.tool, "error" if step.error else "result": step.result})


def agent_messages(
    facts: ClaimFacts,
    steps: Sequence[Step],
    prompt_version: str,
    documents: Mapping[uuid.UUID, str],
) -> list[dict[str, Any]]:
    """The conversation so far; `documents` holds the text of each document a step read."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": agent_prompt(prompt_version)},
        {"role": "user", "content": f"{DATA_BEGIN}\n{encode_data(facts)}\n{DATA_END}"},
    ]
    for step in steps:
        if step.call_id is not None:
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": step.call_id,
                    "content": _result_content(step, documents),
                }
            )
        elif step.calls:
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": call.call_id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": call.arguments},
                        }
                        for call in step.calls
                    ],
                }
            )
        else:  # a turn that produced nothing usable: the model is told so
            messages.append({"role": "assistant", "content": "(no usable reply)"})
            messages.append(
                {"role": "user", "content": NOT_A_TOOL_CALL.format(reason=step.result[:300])}
            )
    return messages


def documents_read(steps: Sequence[Step]) -> list[uuid.UUID]:
    """The documents whose text the next turn must be shown (each once, in order)."""
    seen: list[uuid.UUID] = []
    for step in steps:
        if step.document_id is not None and not step.error and step.document_id not in seen:
            seen.append(step.document_id)
    return seen


__all__ = ["agent_messages", "agent_prompt", "as_data", "documents_read", "tool_definitions"]
