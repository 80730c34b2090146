# The two commands a newcomer needs are `make dev` and `make test`; both install what they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
STAGE ?= dev

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := 1

.PHONY: help install dev test lint typecheck pytest vitest e2e console client check-client chromium bench bench-clone \
	layers synth deploy clean

help:
	@echo "make dev      install everything and serve the platform on http://127.0.0.1:$${LOOP_PORT:-8000}"
	@echo "make test     install everything and run lint, type checks and every test"
	@echo "make bench    print the benchmark figures (tests/bench)"
	@echo "make synth    synthesise the CDK app (STAGE=$(STAGE))"
	@echo "make deploy   deploy to your AWS account with cdk deploy (STAGE=$(STAGE))"

# --- installation ------------------------------------------------------------------------------------

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --inexact --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json frontend/package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests use Debian's chromium, never a downloaded browser build.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

install: $(VENV)/.installed node_modules/.installed

# --- the console (frontend/) -----------------------------------------------------------------------------

CONSOLE_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/*.ts frontend/*.js frontend/tsconfig*.json) frontend/package.json

frontend/dist/index.html: $(CONSOLE_SOURCES) node_modules/.installed
	npm run build -w frontend --silent

console: frontend/dist/index.html

# The console's API types come from the server's OpenAPI document; regenerate them after an API change.
client: install
	$(PY) localstack/openapi.py
	npm run generate-client -w frontend --silent

check-client: install
	$(PY) localstack/openapi.py --check
	@mkdir -p .build && npx openapi-typescript frontend/src/client/openapi.json -o .build/schema.check.d.ts --silent
	@cmp -s .build/schema.check.d.ts frontend/src/client/schema.d.ts || \
		{ echo "frontend/src/client/schema.d.ts is stale: run make client and commit the result"; exit 1; }

# --- the two commands ----------------------------------------------------------------------------------

dev: install console
	$(PY) localstack/serve.py

test: install lint typecheck check-client pytest vitest e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	npm run lint -w frontend --silent

typecheck: install
	$(VENV)/bin/mypy
	npm run typecheck -w frontend --silent
	npx tsc -p tests/e2e

pytest: install
	$(VENV)/bin/pytest

vitest: install
	npm test -w frontend --silent

e2e: install console chromium
	npm run test:e2e -w frontend --silent

# --- figures -------------------------------------------------------------------------------------------

bench: install console chromium
	$(PY) tests/bench/bench_imports.py
	$(PY) tests/bench/bench_openapi_latency.py
	$(PY) tests/bench/bench_prompt.py
	$(PY) tests/bench/bench_trace_ingest.py
	$(PY) tests/bench/bench_trace_query.py
	$(PY) tests/bench/bench_dataset_import.py
	$(PY) tests/bench/bench_sandbox.py
	$(PY) tests/bench/bench_experiments.py
	$(PY) tests/bench/bench_console.py

bench-clone:
	bash tests/bench/bench_clean_clone.sh

# --- AWS -----------------------------------------------------------------------------------------------

layers: install
	$(PY) layers/build.py
	$(PY) layers/llm_layer.py
	$(PY) layers/traces_layer.py

synth: layers console
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx cdk synth --no-notices -c stage=$(STAGE) > /dev/null
	@echo "synthesised into cdk.out/"

deploy: layers console
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx cdk deploy --no-notices -c stage=$(STAGE)

clean:
	rm -rf .build cdk.out .pytest_cache .mypy_cache .ruff_cache frontend/dist tests/e2e/screenshots
