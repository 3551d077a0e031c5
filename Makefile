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
	@# Our own suite: 181 of 184 pass today (the 3 failures are listed in the open issue #3);
	@# a drop below 97 % fails the build. The public examples must all pass.
	$(BIN)/klarsvar eval scenarios scenarios/ --quiet --min-pass 0.97
	$(BIN)/klarsvar eval scenarios $(SHARED)/spec/examples
	$(BIN)/pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Every benchmark, then the README's results table (bench/report.py). About 9 minutes on the
# project's 2-core machine once the caches are warm: the Rho-Bank passage embeddings in
# var/cache (a cold first ingest takes ~20 minutes) and the intent models (fitted at the first
# start after the examples change). Each part writes bench/results/<name>.json.
BENCH_LOAD_SECONDS ?= 20
bench: $(STAMP) services
	@started=$$(date +%s); failed=""; \
	part() { echo "== $$*" >&2; s=$$(date +%s); "$$@" || failed="$$failed $$3"; \
	         echo "== $$3: $$(( $$(date +%s) - s )) s" >&2; }; \
	part $(BIN)/python -m bench.intents.run; \
	part $(BIN)/python -m bench.kb; \
	part $(BIN)/python -m bench.latency; \
	if [ -f bench/outside/__main__.py ]; then part $(BIN)/python -m bench.outside; \
	else echo "== bench/outside is not in this checkout: skipped" >&2; fi; \
	part $(BIN)/python -m bench.load --seconds $(BENCH_LOAD_SECONDS) --warmup 3; \
	part $(BIN)/python -m bench.load.scaling; \
	part $(BIN)/python -m bench.footprint --starts 3 --load-seconds 0; \
	part $(BIN)/python -m bench.report; \
	echo "make bench: $$(( $$(date +%s) - started )) s" >&2; \
	if [ -n "$$failed" ]; then echo "make bench: failed:$$failed" >&2; exit 1; fi

clean:
	rm -rf $(VENV) var
