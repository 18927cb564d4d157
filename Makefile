# `make dev` and `make test` work from a fresh clone with only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dev docs hooks test test-fast test-unit lint typecheck pytest pytest-fast install clean bench bench-claims bench-parked bench-outbox bench-sandbox bench-steps bench-agent histories replay eval

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@# The dev stack (devstack/) is no part of the product's wheel: a development install puts
	@# the clone itself on the venv's path so that `claims dev` finds it.
	@$(BIN)/python -c 'import pathlib, site; pathlib.Path(site.getsitepackages()[0], "claims-devstack.pth").write_text(str(pathlib.Path.cwd()) + "\n")'
	@touch $(STAMP)

install: $(STAMP)

# The checks before every commit (.pre-commit-config.yaml): ruff, ruff format, lint-imports.
hooks: $(STAMP)
	$(BIN)/pre-commit install

dev: $(STAMP)
	$(BIN)/claims dev

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# Test processes in parallel (pytest-xdist): they share the one Temporal dev server and the one
# Postgres, each with a database of its own (tests/support/shared_servers.py). PYTEST_PROCESSES=0
# runs every test in one process, which then starts its own servers.
PYTEST_PROCESSES ?= 3
PARALLEL := -n $(PYTEST_PROCESSES) --dist worksteal

pytest: $(STAMP)
	$(BIN)/pytest $(PARALLEL)

test: lint typecheck pytest eval

# Everyday feedback, in under a minute: the checks, the unit tier (no server) and the workflow
# tier (ClaimWorkflow on the time-skipping test server, activities mocked by name). One process:
# parallel workers would spend more on start-up than these tiers take. The integration and
# system tiers (shared servers, processes, chaos, browser, fuzz, deploy) run in `make test`.
pytest-fast: $(STAMP)
	$(BIN)/pytest tests/unit tests/workflows

test-fast: $(STAMP)
	@start=$$(date +%s); $(MAKE) --no-print-directory lint typecheck pytest-fast \
	  && echo "make test-fast passed in $$(( $$(date +%s) - start )) s"

# The golden set through the assessment path, offline; fails when the production model misses a
# threshold of evaluation/dataset/thresholds.toml (report: .data/eval/report.html).
eval: $(STAMP)
	$(BIN)/python tools/make_eval.py --out .data/eval --fresh

# docs/configuration.md from the settings models (a unit test fails when it is stale).
docs: $(STAMP)
	$(BIN)/python -m tools.config_doc > docs/configuration.md

# Seconds, no server: the domain, routing, text and money rules, settings, signing, URL checks.
test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# Assessments per second one llm worker sustains against a model answering in 1 s, printed
# beside the limit max_concurrency / latency as a ratio.
bench: $(STAMP)
	$(BIN)/python -m bench.llm_throughput

# Auto-approved claims/s through REST on the `claims dev` stack against a bare one-activity
# workflow on the same server, POST and GET latencies, each as a ratio to its target.
bench-claims: $(STAMP)
	$(BIN)/python -m bench.claims_throughput

# 2,000 claims parked in review: the claims worker's memory, then approving them all through
# REST at 20 clients against the same ceiling, and the review latency.
bench-parked: $(STAMP)
	$(BIN)/python -m bench.claims_throughput --parked 2000

# Principal Y's webhook and e-mail p95 with and without principal X's 100 hanging subscriptions,
# the stack's idle CPU with 200 idle subscriptions against none, and the log volume meanwhile.
bench-outbox: $(STAMP)
	$(BIN)/python -m bench.outbox_fairness

# The SDK's cost per call into a workflow's sandbox, stock and with its glue code compiled once
# (workflows/sandbox.py), and per new sandboxed instance: no server, seconds.
bench-sandbox: $(STAMP)
	$(BIN)/python -m bench.sandbox_glue

# The CPU our Postgres activities spend on one auto-approved claim (its recorded inputs, seven
# transactions, no Temporal) against asyncpg alone sending the same round trips.
bench-steps: $(STAMP)
	$(BIN)/python -m bench.db_steps

# An investigated claim (the agent: earlier claims, its PDF read by reference, three model turns)
# against a one-shot claim: CPU per claim by process and history size, as ratios.
bench-agent: $(STAMP)
	$(BIN)/python -m bench.investigation

# The pre-deploy check: replay the configured namespace's running and recent claims on this code
# (`claims replay`; the dev stack's namespace unless TEMPORAL_ADDRESS says otherwise).
replay: $(STAMP)
	$(BIN)/claims replay $(REPLAY_ARGS)

# Re-record the ClaimWorkflow histories that `make test` replays (see tests/support/record_histories.py);
# `make histories ONLY=name` records one scenario and keeps the others.
histories: $(STAMP)
	$(BIN)/python -m tests.support.record_histories $(ONLY)
