"""Loading litellm safely, and the built-in offline model registered as a custom provider."""

from __future__ import annotations

import json
import os
from functools import cache
from types import ModuleType
from typing import Any

OFFLINE_PROVIDER = "offline"
OFFLINE_MODEL = f"{OFFLINE_PROVIDER}/claims-assessor"


@cache
def litellm_module() -> ModuleType:
    """Import litellm once, offline-safe, with the offline provider registered.

    Without LITELLM_LOCAL_MODEL_COST_MAP litellm fetches its price map over the network at import
    time; these machines (and many production networks) cannot reach it.
    """
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    handler = _offline_handler(litellm)
    providers = [p for p in litellm.custom_provider_map if p["provider"] != OFFLINE_PROVIDER]
    litellm.custom_provider_map = [
        *providers,
        {"provider": OFFLINE_PROVIDER, "custom_handler": handler},
    ]
    module: ModuleType = litellm  # mypy skips litellm (pyproject.toml): it types as Any
    return module


def _offline_handler(litellm: ModuleType) -> Any:
    from claims.assessment import extract_facts
    from claims.offline_assessor import assess

    class OfflineAssessor(litellm.CustomLLM):  # type: ignore[name-defined,misc]
        """Deterministic, network-free model answering in the structured-output format."""

        async def acompletion(self, *args: Any, **kwargs: Any) -> Any:
            messages: list[dict[str, Any]] = kwargs.get("messages") or args[1]
            model = kwargs.get("model") or args[0]
            if kwargs.get("tools") or (kwargs.get("optional_params") or {}).get("tools"):
                return _investigating(litellm, model, messages)
            facts = extract_facts(messages)
            if facts is None:
                content = json.dumps(
                    {
                        "recommendation": "review",
                        "confidence": 0.0,
                        "rationale": "No delimited claim data was found in the prompt.",
                        "risk_flags": ["no_claim_data"],
                    }
                )
            else:
                content = assess(facts).model_dump_json()
            prompt_chars = sum(len(str(m.get("content", ""))) for m in messages)
            # Rough token counts (4 characters a token) so the ledger shows plausible usage.
            return litellm.ModelResponse(
                model=model,
                choices=[
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
                usage={
                    "prompt_tokens": prompt_chars // 4,
                    "completion_tokens": len(content) // 4,
                    "total_tokens": prompt_chars // 4 + len(content) // 4,
                },
            )

        def completion(self, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError("the offline assessor is async only; use acompletion")

    return OfflineAssessor()


def _investigating(litellm: ModuleType, model: str, messages: list[dict[str, Any]]) -> Any:
    """The offline investigator's turn (claims/offline_agent.py) as tool calls; its final
    answer is a `recommend` call, as a real model's is."""
    from claims.agent import Tool
    from claims.offline_agent import next_step

    step = next_step(messages)
    calls = (
        [(call.call_id, call.name, call.arguments) for call in step]
        if isinstance(step, list)
        else [(f"offline-answer-{len(messages)}", Tool.RECOMMEND.value, step.model_dump_json())]
    )
    prompt_chars = sum(len(str(m.get("content", ""))) for m in messages)
    return litellm.ModelResponse(
        model=model,
        choices=[
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": i, "type": "function", "function": {"name": n, "arguments": a}}
                        for i, n, a in calls
                    ],
                },
            }
        ],
        usage={
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": 20 * len(calls),
            "total_tokens": prompt_chars // 4 + 20 * len(calls),
        },
    )
