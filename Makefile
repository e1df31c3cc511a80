# Two entry points: `make run` and `make test`. Only python3 (3.11+) is needed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip -q --disable-pip-version-check
HOST   ?= 127.0.0.1
PORT   ?= 8000

RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: help run test install lint types imports pytest browser clean

help:
	@echo "make run   create .venv, install, create the workspace and serve http://$(HOST):$(PORT)"
	@echo "make test  install what the tests need, then lint, types, import rules and tests"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[learn]'
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	@touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/cortesia init --sample telco
	$(BIN)/cortesia clv fit --sample telco
	$(BIN)/cortesia simulate --once
	$(BIN)/cortesia clv measure --at 2026-12-01T14:00:00Z
	$(BIN)/cortesia serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium; install it only when it is missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing chromium"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(TEST_STAMP)
	$(BIN)/mypy

imports: $(TEST_STAMP)
	$(BIN)/lint-imports

pytest: $(TEST_STAMP) browser
	$(BIN)/pytest -q -n 2

test: lint types imports pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .import_linter_cache
