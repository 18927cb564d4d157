"""What one shadow assessment may cost, known before the model is asked: the amount a shadow
reserves against its model's daily budget.

A configured price (CLAIMS_LLM_SHADOW_PRICES) wins. Otherwise litellm's own price table (the
copy bundled with the package, read as a file: the claims worker never imports litellm) prices
a generous assessment: the prompt and answer of every try a re-ask allows. A model neither
prices is unknown, and an unknown cost is never taken for free: it does not fit any budget.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from decimal import ROUND_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from activities.assessment import MAX_REASKS

# A large claim's prompt (instructions, facts, documents' starts) and a long answer, per try.
ESTIMATE_INPUT_TOKENS = 4_000
ESTIMATE_OUTPUT_TOKENS = 500
TRIES = 1 + MAX_REASKS
PRICE_TABLE = "model_prices_and_context_window_backup.json"
MICRO = Decimal("0.000001")


@cache
def _price_table() -> dict[str, Any]:
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / PRICE_TABLE
    if not path.exists():
        return {}
    table: dict[str, Any] = json.loads(path.read_text())
    return table


def estimate(model: str, configured: Mapping[str, Decimal]) -> Decimal | None:
    """USD one assessment by `model` may cost, or None when nothing prices it."""
    if model in configured:
        return configured[model]
    table = _price_table()
    entry = table.get(model) or table.get(model.split("/", 1)[-1])
    if not isinstance(entry, dict):
        return None
    per_input, per_output = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
    if not isinstance(per_input, int | float) or not isinstance(per_output, int | float):
        return None
    per_try = ESTIMATE_INPUT_TOKENS * per_input + ESTIMATE_OUTPUT_TOKENS * per_output
    return (Decimal(str(per_try)) * TRIES).quantize(MICRO, rounding=ROUND_UP)
