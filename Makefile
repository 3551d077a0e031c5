# klarsvar: `make demo` and `make test` work from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test install services chromium lint bench clean

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

# The browser tests (tests/e2e) drive Debian's Chromium through Playwright; never `playwright install`.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	  else \
	    echo "The browser tests need Debian's Chromium at /usr/bin/chromium. Install it as root with:" >&2; \
	    echo "  apt-get install -y chromium" >&2; \
	    exit 1; \
	  fi; \
	fi

demo: $(STAMP)
	$(BIN)/klarsvar demo

SHARED ?= ../shared

test: $(STAMP) services chromium
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	@# Our own suite: 175 of 184 pass today (the 9 failures are listed in the open issue #3);
	@# a drop below 94 % fails the build. The public examples must all pass.
	$(BIN)/klarsvar eval scenarios scenarios/ --quiet --min-pass 0.94
	$(BIN)/klarsvar eval scenarios $(SHARED)/spec/examples
	$(BIN)/pytest -n 2 -p no:cacheprovider

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
