# The two commands a newcomer needs are `make dev` and `make test`; both install what they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
STAGE ?= dev

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := 1

.PHONY: help install dev test lint typecheck pytest bench bench-clone layers synth deploy clean

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

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed

# --- the two commands ----------------------------------------------------------------------------------

dev: install
	$(PY) localstack/serve.py

test: install lint typecheck pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest

# --- figures -------------------------------------------------------------------------------------------

bench: install
	$(PY) tests/bench/bench_imports.py
	$(PY) tests/bench/bench_openapi_latency.py

bench-clone:
	bash tests/bench/bench_clean_clone.sh

# --- AWS -----------------------------------------------------------------------------------------------

layers: install
	$(PY) layers/build.py

synth: layers node_modules/.installed
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx cdk synth --no-notices -c stage=$(STAGE) > /dev/null
	@echo "synthesised into cdk.out/"

deploy: layers node_modules/.installed
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx cdk deploy --no-notices -c stage=$(STAGE)

clean:
	rm -rf .build cdk.out .pytest_cache .mypy_cache .ruff_cache
