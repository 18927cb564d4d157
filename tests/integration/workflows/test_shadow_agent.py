"""An investigating shadow candidate: the claim's own loop with the candidate's model, tools
that only read, and never a question to the claimant; recorded apart from its one-shot self."""

from __future__ import annotations

from tests.integration.workflows.test_shadows import production, run_claim, shadow_rows, timeline
from tests.support.stack import StackFactory
from tools.fake_llm import FakeLlmServer
from tools.samples import RED_FLAG_DESCRIPTION


async def test_an_agent_shadow_investigates_without_asking_the_claimant_or_changing_the_claim(
    make_stack: StackFactory, fake_llm: FakeLlmServer
) -> None:
    async with make_stack(llm=production(fake_llm)) as plain:
        _, without = await run_claim(plain, RED_FLAG_DESCRIPTION)
    # gpt-4o-mini: litellm prices it, so the budget admits it; the fake server plays it.
    candidates = "agent:openai/gpt-4o-mini,openai/gpt-4o-mini"
    async with make_stack(llm=production(fake_llm), llm_shadow_models=candidates) as shadowed:
        claim_id, with_shadows = await run_claim(shadowed, RED_FLAG_DESCRIPTION)
        rows = await shadow_rows(shadowed, claim_id, 2)
    assert with_shadows["status"] == without["status"] == "awaiting_review"
    assert timeline(with_shadows) == timeline(without)  # no question, nothing else either
    by_kind = {row["prompt_version"].endswith("+agent"): row for row in rows}
    agent, once = by_kind[True], by_kind[False]
    assert agent["status"] == once["status"] == "done"
    assert agent["route"] == once["route"] == "human_review"
    assert agent["cost_usd"] > once["cost_usd"] > 0  # several turns against one call
    # It asked (the offline policy asks about a theft's police report) and was refused.
    results = [x for m in fake_llm.stats.messages for x in m if x.get("role") == "tool"]
    assert any("no more questions" in str(x["content"]) for x in results)
