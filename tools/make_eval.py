"""`make eval`: the golden set through production's assessment path, offline.

Starts the local fake provider (tools/fake_llm.py, an OpenAI-compatible server of our own) and
runs `claims eval` on the offline assessor, gated by the dataset's thresholds.toml and
baseline.json (evaluation/dataset/), beside two candidates the fake provider serves:
`openai/gpt-4o-mini` (answers as the offline assessor does; litellm prices it, so the report
has a cost axis) and
`openai/lenient` (misses cash-only repairs). The report marks both as the fake server's answers
(`--provider-label fake`): they show the evaluation working, nothing about those models.
The offline assessor also runs as the investigating agent (`--agent`): reported, not gated,
with its turns, tool calls and the share of claims it asked a question about.
Exits with `claims eval`'s code: 1 when the gate fails, 2 on a bad command line.

    .venv/bin/python tools/make_eval.py [--out DIR] [extra `claims eval` options]
"""

from __future__ import annotations

import asyncio
import os
import sys

from tools.fake_llm import FakeLlmServer

GATED = "offline/claims-assessor"
CANDIDATES = ("openai/gpt-4o-mini", "openai/lenient")


async def main(extra: list[str]) -> int:
    server = FakeLlmServer()
    await server.start()
    try:
        env = os.environ | {
            "CLAIMS_LLM_API_BASE": server.api_base,
            "CLAIMS_LLM_API_KEY": "fake-provider-key",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        }
        models = [arg for model in (GATED, *CANDIDATES) for arg in ("--model", model)]
        models += ["--agent", GATED]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "eval",
            *models,
            "--gate",
            GATED,
            "--thresholds",
            "evaluation/dataset/thresholds.toml",
            "--provider-label",
            "fake",
            *extra,
            env=env,
        )
        return await process.wait()
    finally:
        await server.stop()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
