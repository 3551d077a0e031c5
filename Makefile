# klarsvar: `make demo` and `make test` work from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test install services lint bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "klarsvar needs Python 3.11 (found %d.%d)" % sys.version_info[:2])'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

# Start the local PostgreSQL and Redis when they are installed but stopped (CI and
# developer machines of this project have both); the tests fail, not skip, without them.
services:
	@bash scripts/ensure-services.sh

demo: $(STAMP)
	$(BIN)/klarsvar demo

SHARED ?= ../shared

test: $(STAMP) services
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -p no:cacheprovider
	$(BIN)/klarsvar eval scenarios scenarios/ $(wildcard $(SHARED)/spec/examples) --quiet

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.intents.run
	$(BIN)/python -m bench.kb
	$(BIN)/python -m bench.latency

clean:
	rm -rf $(VENV) var
