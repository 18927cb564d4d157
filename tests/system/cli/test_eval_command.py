"""`claims eval` as a person runs it: the gate passes today, and fails (naming what) for each
way an evaluation could otherwise pass by accident."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.evaluate import DEFAULT_GOLDEN as GOLDEN
from evaluation import golden
from tools.fake_llm import FakeLlmServer

ROOT = Path(__file__).resolve().parents[3]
GATED = ("--model", "offline/claims-assessor", "--thresholds", "evaluation/dataset/thresholds.toml")


def claims_eval(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "eval", *args],
        cwd=ROOT,
        env=os.environ | {"LITELLM_LOCAL_MODEL_COST_MAP": "True"} | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def today(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Today's gated run, once: its cache lets the other runs skip the model calls they share."""
    out = tmp_path_factory.mktemp("today")
    return out, claims_eval(*GATED, "--out", str(out))


def _warm(out: Path, today: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "cache.jsonl").write_bytes((today[0] / "cache.jsonl").read_bytes())
    return out


def test_todays_routing_passes_the_gate(
    today: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tmp_path, done = today
    assert done.returncode == 0, done.stdout + done.stderr
    today_run = done
    met = "thresholds met: evaluation/dataset/thresholds.toml for offline/claims-assessor"
    assert met in today_run.stdout
    rows = len(golden.load(GOLDEN))
    assert f"{rows}/{rows}" in today_run.stderr  # the progress line reached the end
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["guardrails"]["breaches"] == 0
    assert report["baseline"]["moved"] == []
    assert report["provenance"]["dataset_sha256"]
    [run] = report["runs"]
    assert run["provider"]["kind"] == "offline"
    assert run["wrong_total"] == run["overall"]["misrouted"] > 0
    assert set(run["splits"]) == {"dev", "held_out"}
    page = (tmp_path / "report.html").read_text()
    for shown in ("95% Wilson", "Who answered", "Routing guardrails", "wrong claims"):
        assert shown in page


def _flipped_baseline(tmp_path: Path, moves: int) -> Path:
    stored = json.loads((ROOT / "evaluation" / "dataset" / "baseline.json").read_text())
    routes = stored["routes"]
    for claim in [c for c, route in routes.items() if route == "human_review"][:moves]:
        routes[claim] = "auto_approve"
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(stored))
    return path


def _misspelt(tmp_path: Path) -> Path:
    text = (ROOT / "evaluation" / "dataset" / "thresholds.toml").read_text()
    path = tmp_path / "thresholds.toml"
    path.write_text(text.replace("[slices.non_english]", "[slices.non-english]"))
    return path


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("floor_zero", "guardrails: "),
        ("limit_raised", "guardrails: "),
        ("misspelt_slice", "slice non-english: no such slice"),
        ("five_claims", "measured on 5 claims, fewer than the 20"),
        ("six_routes_moved", "baseline: 6 claims changed route"),
        ("candidate_bar", "THRESHOLD MISSED"),
    ],
)
def test_the_gate_fails_naming_the_figure(
    tmp_path: Path,
    case: str,
    expected: str,
    today: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    options: list[str] = list(GATED)
    env: dict[str, str] = {}
    if case == "floor_zero":
        env["CLAIMS_AUTO_APPROVE_MIN_CONFIDENCE"] = "0"
    elif case == "limit_raised":
        env["CLAIMS_AUTO_APPROVE_LIMIT"] = "1000000"
    elif case == "misspelt_slice":
        options[-1] = str(_misspelt(tmp_path))
    elif case == "five_claims":
        options += ["--limit", "5"]
    elif case == "six_routes_moved":
        options += ["--baseline", str(_flipped_baseline(tmp_path, 6))]
    elif case == "candidate_bar":
        # The stand-in is not good enough to be a real model's replacement, by design.
        options[-1] = "evaluation/dataset/thresholds-candidate.toml"
    # Runs with other routing thresholds ask the model again; the rest reuse today's answers.
    done = claims_eval(*options, "--out", str(_warm(tmp_path / "out", today)), **env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert expected in done.stdout, done.stdout
    assert "thresholds met" not in done.stdout


@pytest.fixture
def fake_provider() -> Iterator[str]:
    import asyncio
    import threading

    server = FakeLlmServer()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30)
    yield server.api_base
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


def test_an_always_approve_candidate_fails_and_is_marked_fake(
    tmp_path: Path, fake_provider: str
) -> None:
    done = claims_eval(
        "--model",
        "openai/always-approve",
        "--thresholds",
        "evaluation/dataset/thresholds.toml",
        "--provider-label",
        "fake",
        "--out",
        str(tmp_path),
        CLAIMS_LLM_API_BASE=fake_provider,
        CLAIMS_LLM_API_KEY="fake-provider-key",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "overall: false_approve_rate is" in done.stdout
    assert "FAKE: our test server answers for openai/always-approve" in done.stdout
    assert "answered by our fake test server" in (tmp_path / "report.html").read_text()


def test_bad_options_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    unknown = claims_eval("--slice", "nonsense", "--out", str(tmp_path))
    assert unknown.returncode != 0
    assert "no slice ['nonsense']" in unknown.stderr
    prompt = claims_eval("--prompt-version", "v999", "--out", str(tmp_path))
    assert prompt.returncode != 0
    assert "no prompt version 'v999'" in prompt.stderr
    gate = claims_eval(*GATED, "--gate", "openai/nope", "--out", str(tmp_path))
    assert gate.returncode == 2
    assert "--gate openai/nope matches no candidate" in gate.stderr
    partial = claims_eval(*GATED, "--limit", "5", "--update-baseline", "--out", str(tmp_path))
    assert partial.returncode != 0
    assert "--update-baseline needs the whole golden set" in partial.stderr
