"""Who answered, on what, with which code: what a report must say so its numbers cannot be
taken for another model's.

- the dataset's SHA-256, the git commit (and whether the tree had local changes);
- a digest of the code on the assessment path (the prompt builder, the model call, the offline
  assessor, the rules and the routing) and of the prompt's text: a cached answer is reused only
  for the same code, prompt, provider and claim;
- each candidate's provider: the built-in offline stand-in, a provider's endpoint, or a fake
  server standing in for the named model (`--provider-label fake`), marked as such.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
from functools import cache
from pathlib import Path

from claims.assessment import system_prompt

OFFLINE_PREFIX = "offline/"
# The modules whose code decides what a model is asked and what its answer becomes.
ASSESSMENT_PATH = (
    "claims.assessment",
    "claims.offline_assessor",
    "claims.routing",
    "claims.rules",
    "activities.assessment",
    "activities.llm_client",
    "activities.llm_faults",
    "evaluation.pipeline",
)


def _digest(*parts: bytes) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(hashlib.sha256(part).digest())
    return hashed.hexdigest()[:16]


@cache
def code_digest() -> str:
    """A digest of the assessment path's source files."""
    sources = []
    for module in ASSESSMENT_PATH:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise LookupError(f"cannot find the source of {module}")
        sources.append(Path(spec.origin).read_bytes())
    return _digest(*sources)


def prompt_digest(version: str) -> str:
    return _digest(system_prompt(version).encode())


def dataset_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git_commit() -> str:
    """The commit the code was at, `+changes` when the tree differed from it ("unknown"
    outside a git checkout, such as the image)."""
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        # Our own fixed arguments to the git found on PATH: nothing from outside.
        head = subprocess.run(  # noqa: S603
            [git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603
            [git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}+changes" if dirty else head


def provider_of(model: str, api_base: str | None, label: str | None) -> dict[str, str]:
    """Where a candidate's answers come from, and whether they are a real model's."""
    if model.startswith(OFFLINE_PREFIX):
        return {
            "kind": "offline",
            "where": "built in (claims/offline_assessor.py)",
            "note": "the offline stand-in: a deterministic keyword heuristic, not a model",
        }
    where = api_base or "the provider's own endpoint (litellm's defaults)"
    if label == "fake":
        return {
            "kind": "fake",
            "where": where,
            "note": f"FAKE: our test server answers for {model}; these are not {model}'s answers",
        }
    return {"kind": label or "provider", "where": where, "note": ""}
