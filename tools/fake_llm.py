"""A small OpenAI-compatible chat-completions server of our own, for tests over real HTTP.

litellm talks to it through `api_base` exactly as it would to a provider. The model name picks
the behaviour: `good` (or any unknown name, such as `gpt-4o-mini`, which litellm can price)
answers like the offline assessor, `slow-<seconds>` answers after a delay,
`hang` never answers (and records the client going away), `always-approve` approves anything
with confidence 1.0, `lenient` answers well but never flags cash-only repairs,
`rate-limited[-<s>]` answers 429 with Retry-After (1 s by default),
`error-500` fails, `prose`
answers in prose, `bad-schema` answers JSON that ignores the schema, `unauthorized` is 401,
`context-window` is a 400 context-length error. `flaky-<behaviour>` misbehaves on every other
call (the first of each pair) and answers well on the next; `chaos` fails half its calls, in
turn with 500, 429, prose, JSON off the schema and a slow answer past the client's timeout.

An investigation's turns (a request with `tools`): `good` investigates as the offline agent
does; `script-<name>` plays the turns a test registered in `stats.scripts[name]` (turn n of a
conversation is its n-th entry: a list of `(tool, arguments)` calls, an answer dict given
through `recommend`, a string said in prose, or a function of the messages returning one of
those; past the end, the last entry again);
`loop-forever` looks up the policy for ever; `unknown-tools` calls a tool that does not exist.
Every turn's calls are counted per conversation (`stats.turn_calls`), so a test sees whether a
completed turn was asked again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from claims.agent import Tool
from claims.assessment import extract_facts
from claims.offline_agent import next_step
from claims.offline_assessor import assess
from devstack.processes import free_port


@dataclass
class FakeLlmStats:
    requests: Counter[str] = field(default_factory=Counter)
    disconnects: Counter[str] = field(default_factory=Counter)
    in_flight: Counter[str] = field(default_factory=Counter)
    max_in_flight: Counter[str] = field(default_factory=Counter)
    response_formats: list[Any] = field(default_factory=list)
    # Every request's messages, as the provider received them (what the model was shown).
    messages: list[list[Any]] = field(default_factory=list)
    # Monotonic arrival times per model, for rate-limit checks.
    arrivals: dict[str, list[float]] = field(default_factory=dict)
    # Scripted investigations (`script-<name>`), and calls per (claim data, turn).
    scripts: dict[str, list[Any]] = field(default_factory=dict)
    turn_calls: Counter[tuple[str, int]] = field(default_factory=Counter)
    turns_in_flight: Counter[tuple[str, int]] = field(default_factory=Counter)
    # When each turn's answer was last sent (monotonic): a worker killed just after may never
    # have told Temporal, so the turn is asked again, rightly.
    turn_answered_at: dict[tuple[str, int], float] = field(default_factory=dict)


# Half the calls fail, each failure of a different kind (slow-5 outlasts the tests' timeout).
CHAOS = [
    "error-500",
    "good",
    "rate-limited",
    "good",
    "prose",
    "good",
    "bad-schema",
    "good",
    "slow-5",
    "good",
]


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 321, "completion_tokens": 42, "total_tokens": 363},
    }


def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> Any:
    return JSONResponse(
        {"error": {"message": message, "type": kind, "code": kind}},
        status_code=status,
        headers=headers,
    )


def _good_answer(messages: list[dict[str, Any]]) -> str:
    facts = extract_facts(messages)
    if facts is None:
        return json.dumps(
            {
                "recommendation": "review",
                "confidence": 0.1,
                "rationale": "no data",
                "risk_flags": [],
            }
        )
    return assess(facts).model_dump_json()


def build_app(stats: FakeLlmStats) -> FastAPI:
    app = FastAPI()
    flaky_calls: Counter[str] = Counter()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        model: str = body["model"]
        messages = body["messages"]
        stats.requests[model] += 1
        stats.arrivals.setdefault(model, []).append(time.monotonic())
        stats.response_formats.append(body.get("response_format"))
        stats.messages.append(messages)
        behaviour = model
        if model.startswith("flaky-"):
            flaky_calls[model] += 1
            behaviour = model.removeprefix("flaky-") if flaky_calls[model] % 2 == 1 else "good"
        elif model == "chaos":
            flaky_calls[model] += 1
            behaviour = CHAOS[flaky_calls[model] % len(CHAOS)]
        stats.in_flight[model] += 1
        stats.max_in_flight[model] = max(stats.max_in_flight[model], stats.in_flight[model])
        try:
            if body.get("tools"):
                turn = _turn_of(messages)
                key = (_conversation(messages), turn)
                stats.turn_calls[key] += 1
                stats.turns_in_flight[key] += 1
                try:
                    investigated = await _investigation_turn(
                        model, behaviour, messages, turn, stats
                    )
                finally:
                    stats.turns_in_flight[key] -= 1
                    stats.turn_answered_at[key] = time.monotonic()
                if investigated is not None:
                    return investigated
            return await _answer(request, model, behaviour, messages, stats)
        finally:
            stats.in_flight[model] -= 1

    return app


async def _answer(  # noqa: PLR0911 - one branch per behaviour reads best
    request: Request, model: str, behaviour: str, messages: list[Any], stats: FakeLlmStats
) -> Any:
    if behaviour.startswith("slow-"):
        await asyncio.sleep(float(behaviour.removeprefix("slow-")))
        return _completion(model, _good_answer(messages))
    if behaviour == "hang":
        while not await request.is_disconnected():
            await asyncio.sleep(0.05)
        stats.disconnects[model] += 1
        return _error(499, "client went away", "cancelled")
    if behaviour.startswith("rate-limited"):
        seconds = behaviour.removeprefix("rate-limited").removeprefix("-") or "1"
        return _error(429, "Rate limit reached", "rate_limit_exceeded", {"Retry-After": seconds})
    if behaviour == "error-500":
        return _error(500, "The server had an error", "server_error")
    if behaviour == "unauthorized":
        return _error(401, "Incorrect API key provided", "invalid_api_key")
    if behaviour == "unauthorized-echo":
        # Some providers quote the key they were given: the worst case for our logs.
        presented = request.headers.get("authorization", "").removeprefix("Bearer ")
        return _error(401, f"Incorrect API key provided: {presented}", "invalid_api_key")
    if behaviour == "context-window":
        return _error(
            400,
            "This model's maximum context length is 8192 tokens.",
            "context_length_exceeded",
        )
    if behaviour == "prose":
        return _completion(model, "I think this claim looks fine and should be paid.")
    if behaviour == "bad-schema":
        return _completion(model, json.dumps({"verdict": "pay", "score": 7}))
    if behaviour == "lenient":
        # A cheaper model's blind spot: it never sees cash-only repairs as a risk.
        answer = json.loads(_good_answer(messages))
        answer["risk_flags"] = [f for f in answer["risk_flags"] if f != "cash_only_repairs"]
        if answer["recommendation"] == "review" and not answer["risk_flags"]:
            answer |= {"recommendation": "approve", "confidence": 0.92}
        return _completion(model, json.dumps(answer))
    if behaviour == "always-approve":
        answer = {
            "recommendation": "approve",
            "confidence": 1.0,
            "rationale": "Approve everything.",
            "risk_flags": [],
        }
        return _completion(model, json.dumps(answer))
    return _completion(model, _good_answer(messages))


def _turn_of(messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m.get("role") == "assistant")


def _conversation(messages: list[dict[str, Any]]) -> str:
    """Which claim a turn is about: its delimited data (the second message)."""
    return str(messages[1].get("content", ""))[:4000] if len(messages) > 1 else ""


def _tool_completion(model: str, turn: int, calls: list[tuple[str, Any]]) -> dict[str, Any]:
    completion = _completion(model, "")
    completion["choices"][0]["finish_reason"] = "tool_calls"
    completion["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call-{turn}-{index}",
                "type": "function",
                "function": {
                    "name": name,
                    "arguments": args if isinstance(args, str) else json.dumps(args),
                },
            }
            for index, (name, args) in enumerate(calls)
        ],
    }
    return completion


async def _investigation_turn(  # noqa: PLR0911 - one branch per behaviour reads best
    model: str, behaviour: str, messages: list[Any], turn: int, stats: FakeLlmStats
) -> dict[str, Any] | None:
    """A tool-calling turn, or None for the behaviours that answer as they always do."""
    if behaviour == "loop-forever":
        return _tool_completion(model, turn, [(Tool.POLICY_COVERAGE.value, {})])
    if behaviour == "unknown-tools":
        return _tool_completion(model, turn, [("transfer_funds", {"to": "me"})])
    if behaviour.startswith("script-"):
        script = stats.scripts[behaviour.removeprefix("script-")]
        entry = script[min(turn, len(script) - 1)]
        if callable(entry):  # a turn that depends on what the model was shown
            entry = entry(messages)
        if isinstance(entry, str):
            return _completion(model, entry)
        if isinstance(entry, dict):
            return _tool_completion(model, turn, [(Tool.RECOMMEND.value, entry)])
        return _tool_completion(model, turn, list(entry))
    if behaviour.startswith("slow-"):
        await asyncio.sleep(float(behaviour.removeprefix("slow-")))
    if behaviour in {"good", "gpt-4o-mini"} or behaviour.startswith("slow-"):
        step = next_step(messages)
        if isinstance(step, list):
            return _tool_completion(model, turn, [(c.name, c.arguments) for c in step])
        return _tool_completion(model, turn, [(Tool.RECOMMEND.value, step.model_dump_json())])
    return None


class FakeLlmServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.stats = FakeLlmStats()
        config = uvicorn.Config(
            build_app(self.stats),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        async with asyncio.timeout(10):
            while not self._server.started:
                await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


def main() -> None:
    """Run the fake server on its own (the benchmark runs it as a separate process)."""
    import argparse

    parser = argparse.ArgumentParser(description="OpenAI-compatible fake model server")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build_app(FakeLlmStats()), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()


def calls_in_flight(server: FakeLlmServer, model: str) -> Callable[[], Awaitable[int]]:
    """A reader for `wait_for`: how many calls of `model` the server holds right now."""

    async def read() -> int:
        return int(server.stats.in_flight[model])

    return read
