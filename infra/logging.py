"""Process logging: readable lines in dev, one JSON object a line in prod.

Every line about a claim carries `claim_id` and `workflow_id`: from the Temporal SDK's logging
context in workflows and activities, from a context variable in the API. Claimant data (names,
e-mail addresses, descriptions, documents) is never logged: log the claim id instead.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from typing import Any

CLAIM_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("claim_id", default=None)


def claim_fields(record: logging.LogRecord) -> dict[str, str]:
    """`claim_id` and `workflow_id` of the claim a record is about, when it is about one."""
    for key in ("temporal_workflow", "temporal_activity"):
        details = getattr(record, key, None)
        workflow_id = details.get("workflow_id") if isinstance(details, dict) else None
        if isinstance(workflow_id, str):
            fields = {"workflow_id": workflow_id}
            if workflow_id.startswith("claim-"):
                fields["claim_id"] = workflow_id.removeprefix("claim-")
            return fields
    claim_id = CLAIM_ID.get()
    if claim_id:
        return {"claim_id": claim_id, "workflow_id": f"claim-{claim_id}"}
    return {}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **claim_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        claim_id = claim_fields(record).get("claim_id")
        return f"{line} [claim {claim_id}]" if claim_id else line


def configure(env: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if env == "prod" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # litellm logs every call (prompt included) at INFO and below: keep its warnings only.
    for noisy in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
