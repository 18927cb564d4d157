"""`claims eval` as a person runs it: thresholds guard the routing, and the run says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def claims_eval(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "eval", "--model", "offline/claims-assessor", *args],
        cwd=ROOT,
        env=os.environ | {"LITELLM_LOCAL_MODEL_COST_MAP": "True"} | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_worse_routing_fails_the_thresholds_that_todays_routing_meets(tmp_path: Path) -> None:
    options = ("--slice", "around_limits", "--thresholds", "evals/thresholds.toml")
    today = claims_eval(*options, "--out", str(tmp_path / "today"))
    assert today.returncode == 0, today.stdout + today.stderr
    assert "thresholds met" in today.stdout
    assert "48/48" in today.stderr  # the progress line reached the end

    # A careless change: auto-approve up to a million. The golden set's claims over the limit
    # are now paid without a person, and the gate says which figures broke.
    worse = claims_eval(
        *options, "--out", str(tmp_path / "worse"), CLAIMS_AUTO_APPROVE_LIMIT="1000000"
    )
    assert worse.returncode == 1, worse.stdout + worse.stderr
    assert "THRESHOLD MISSED" in worse.stdout
    assert "slice around_limits: false_approve_rate" in worse.stdout
    report = json.loads((tmp_path / "worse" / "report.json").read_text())
    [run] = report["runs"]
    # The 18 over the limit are now paid; the 6 over the coverage limit still meet a person.
    assert run["overall"]["confusion"]["human_review"]["auto_approve"] == 18
    assert (tmp_path / "worse" / "report.html").read_text().count("<svg") == 3


def test_bad_options_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    unknown = claims_eval("--slice", "nonsense", "--out", str(tmp_path))
    assert unknown.returncode != 0
    assert "no slice ['nonsense']" in unknown.stderr
    prompt = claims_eval("--prompt-version", "v999", "--out", str(tmp_path))
    assert prompt.returncode != 0
    assert "no prompt version 'v999'" in prompt.stderr
