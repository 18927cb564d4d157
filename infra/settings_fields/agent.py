"""The investigating assessor: whether the model investigates, and its bounds per claim."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings

from claims.agent import AgentLimits
from infra.settings_fields.documented import DOCUMENTED


class AgentSettings(BaseSettings):
    """The investigation (docs/assessment.md); read by the claims worker, which records them
    in each claim it admits (so a claim keeps the bounds it started with)."""

    model_config = DOCUMENTED

    agent_enabled: bool = False
    """the model investigates (tools, questions to the claimant) instead of answering once.
    Off until its evaluation is signed off (`claims eval --agent`)
    """
    agent_max_turns: int = Field(default=8, ge=1)
    """model turns per claim; past them a person decides (`agent_turn_limit`)"""
    agent_max_tool_calls: int = Field(default=12, ge=0)
    """tool calls per claim, bad ones included (`agent_tool_call_limit`)"""
    agent_budget_usd: Decimal = Field(default=Decimal("0.50"), ge=0)
    """model spend per claim (USD, litellm's prices) before a person decides
    (`agent_budget_spent`)
    """
    agent_max_questions: int = Field(default=1, ge=0)
    """questions the model may put to the claimant per claim"""
    agent_answer_wait_s: int = Field(default=14 * 86_400, gt=0)
    """seconds the claim waits for the claimant's answer before the model goes on without it"""

    def agent_limits(self) -> AgentLimits | None:
        """The bounds each admitted claim records; None when the model answers once."""
        if not self.agent_enabled:
            return None
        return AgentLimits(
            max_turns=self.agent_max_turns,
            max_tool_calls=self.agent_max_tool_calls,
            budget_usd=self.agent_budget_usd,
            max_questions=self.agent_max_questions,
            answer_wait_s=self.agent_answer_wait_s,
        )
