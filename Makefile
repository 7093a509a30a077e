# One entry point for people and CI. Every target creates the virtualenv it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The runtime alone (no test or benchmark extras): all that `make serve` needs.
RUNTIME_STAMP := $(VENV)/.runtime
JS := tests/js

.PHONY: setup serve test lint typecheck pytest js-deps browser postgres fuzz chaos bench bench-quick bench-scale bench-edge bench-pages clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(STAMP)

$(RUNTIME_STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $(RUNTIME_STAMP)

## serve: start the server on the embedded SQLite default (ARGS="--port 9229 --db x.db");
## installs the runtime only, not the test and benchmark extras
serve: $(RUNTIME_STAMP)
	$(BIN)/userpools serve $(ARGS)

## test: the whole suite, exactly as CI runs it: lint, types, then pytest
test: lint typecheck pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: setup
	$(BIN)/mypy

## pytest: the suite on PYTEST_WORKERS processes (pytest-xdist; each has its own servers and
## PostgreSQL database), a test file's tests kept together so its module fixtures run once
PYTEST_WORKERS ?= auto
pytest: setup postgres js-deps browser
	$(BIN)/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## js-deps: amazon-cognito-identity-js and aws-amplify for tests/api/test_js_client.py and
## tests/api/test_amplify.py (needs Node 20+ and npm)
js-deps: $(JS)/node_modules/.installed

$(JS)/node_modules/.installed: $(JS)/package-lock.json
	npm ci --prefix $(JS) --no-audit --no-fund
	touch $@

## browser: Debian's Chromium for tests/api/test_login_browser.py (Playwright cannot download
## its own browser here); installed with apt-get when /usr/bin/chromium is missing and we are
## root (CI), else say how
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) \
		|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		     && apt-get update -qq && apt-get install -y --no-install-recommends chromium >/dev/null; } \
		|| echo "$(CHROMIUM) is missing: apt-get install chromium (its tests skip, or fail under CI=true)"

## postgres: start the machine's PostgreSQL cluster if it is installed but stopped
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
		|| { command -v pg_ctlcluster >/dev/null \
		     && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; } \
		|| echo "PostgreSQL is not running; its tests will skip (or fail under CI=true)"

## fuzz: a long fuzzing campaign on both stores (FUZZ_EXAMPLES=200000 per store; FUZZ_SEED=n replays one)
fuzz: setup postgres
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200000} FUZZ_TOKEN_MUTATIONS=$${FUZZ_TOKEN_MUTATIONS:-100000} \
		$(BIN)/pytest -q -p no:cacheprovider tests/fuzz $(PYTEST_ARGS)

## chaos: the fault campaigns, long, with their figures: kill -9 cycles, node kills, terminated
## PostgreSQL backends, churn during paging, a 5-minute soak (ARGS="--quick": what CI runs)
chaos: setup postgres
	$(BIN)/python tools/chaos.py $(ARGS)

## bench: the membership benchmark against userpools and moto (several minutes)
bench: setup
	$(BIN)/python benchmarks/membership.py $(ARGS)

bench-quick: setup
	$(BIN)/python benchmarks/membership.py --quick

## bench-scale: --workers 2 on SQLite and on PostgreSQL, against moto, in one run
bench-scale: setup postgres
	$(BIN)/python benchmarks/membership.py --scale-out $(ARGS)

## bench-edge: the HTTP edge under idle, slow and oversized clients (about a minute)
bench-edge: setup
	$(BIN)/python benchmarks/edge.py $(ARGS)

## bench-pages: pages at 1k to 1M members, SQLite and PostgreSQL beside moto and a floor, with
## wrk (15 to 25 minutes; ARGS="--quick" for a 2-minute smoke run); docs/performance.md
bench-pages: setup postgres
	$(BIN)/python benchmarks/scale.py $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis
