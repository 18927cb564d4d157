"""How the assessment reads a provider's failure: retry later, or try the next model.

Temporal owns retries (litellm runs with `num_retries=0`), so every call that fails is
classified here:

- TRANSIENT: 429 (with its Retry-After), 5xx, timeouts, connection errors. The model may answer
  if asked again later; Temporal retries the activity with backoff, or after Retry-After.
- MODEL_UNUSABLE: 401/403, 404, bad requests (context window, unsupported parameters, content
  policy). Asking this model again cannot help; the next model in the chain is asked instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_TRANSIENT_STATUS = frozenset({408, 409, 425, 429})

# What a provider's error text may echo back: our key, a bearer token, anything key-shaped.
_KEY_SHAPED = re.compile(
    r"(sk-[A-Za-z0-9_-]{6,}|Bearer\s+\S+|(api[_-]?key|token)[\"':= ]+\S+|[A-Za-z0-9_-]{32,})",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """A provider's error text fit for logs and workflow history: no key survives it."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _KEY_SHAPED.sub(REDACTED, text)


class FaultKind(StrEnum):
    TRANSIENT = "transient"
    MODEL_UNUSABLE = "model_unusable"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    reason: str
    retry_after_s: float | None = None
    # The model did not answer within the per-call timeout.
    timed_out: bool = False


def _status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _retry_after(exc: BaseException) -> float | None:
    """Seconds from a Retry-After header (seconds form), wherever litellm kept the headers."""
    candidates: list[Any] = [
        getattr(getattr(exc, "response", None), "headers", None),
        getattr(exc, "litellm_response_headers", None),
        getattr(exc, "headers", None),
    ]
    for headers in candidates:
        if not headers:
            continue
        try:
            value = headers.get("retry-after") or headers.get("Retry-After")
        except AttributeError:
            continue
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except (TypeError, ValueError):
            continue  # an HTTP-date: fall back to our own backoff
    return None


def classify(exc: BaseException, secrets: Iterable[str | None] = ()) -> Fault:
    """Classify an exception raised by `litellm.acompletion` (its text redacted)."""
    name = type(exc).__name__
    reason = f"{name}: {redact(str(exc), secrets)[:300]}"
    status = _status_of(exc)
    if name in {"Timeout", "APITimeoutError"} or isinstance(exc, TimeoutError):
        return Fault(FaultKind.TRANSIENT, reason, timed_out=True)
    if name == "APIConnectionError" or isinstance(exc, ConnectionError):
        return Fault(FaultKind.TRANSIENT, reason)
    if status is None:
        # No HTTP answer at all (a library or network fault): worth another try later.
        return Fault(FaultKind.TRANSIENT, reason)
    if status in _TRANSIENT_STATUS or status >= 500:
        return Fault(FaultKind.TRANSIENT, reason, _retry_after(exc) if status == 429 else None)
    return Fault(FaultKind.MODEL_UNUSABLE, reason)
