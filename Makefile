# Everything a fresh machine with Python 3.11 needs: `make run`, `make test`, `make bench`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced

# Prefect's own state is in data/prefect (flows/prefect_env.py; PREFECT_HOME overrides),
# for every command alike: one run history. Off the network.
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test serve soak faults browser bench bench-extract bench-feeds bench-search bench-derive eval lint install tool clean

run: $(SYNCED)
	$(VENV)/bin/peninsula ingest
	$(VENV)/bin/peninsula status

test: $(SYNCED) browser
	$(VENV)/bin/pytest

# Leave peninsula running: Prefect server, UI and the scheduled deployments (Ctrl-C stops).
serve: $(SYNCED)
	$(VENV)/bin/peninsula serve

# serve for SOAK_MINUTES (30) with ingest-feeds every minute against a feed of our own
# on loopback; prints what ran, what loaded, memory and API latency.
soak: $(SYNCED)
	$(VENV)/bin/python -m bench.soak

# Issue 13's hostile inputs (growth, big batches, FIFOs, /dev/zero, odd names and
# encodings, bad sidecars, unfetchable links, a trickling server, a foreign web page) and
# kill -9 at each stage, a reader beside a writer, two ingests at once, against the real
# commands: one table (bench/faults/; `python -m bench.faults files` runs one group).
faults: $(SYNCED)
	$(VENV)/bin/python -m bench.faults

bench: $(SYNCED)
	$(VENV)/bin/python -m bench.ingest

# CPU ms per article (seeds, dev texts), whole extraction / spaCy alone, and
# derive-articles articles/s on a 5,000-article generated corpus with 1 and 2 workers.
bench-extract: $(SYNCED)
	$(VENV)/bin/python -m bench.extract

bench-feeds: $(SYNCED)
	$(VENV)/bin/python -m bench.feeds

# Derivation as the warehouse grows: 5,000 articles from text, 5,000 to 100,000 generated
# (about 40 minutes on 2 cores; figures printed, nothing asserted).
bench-derive: $(SYNCED)
	$(VENV)/bin/python -m bench.derive

bench-search: $(SYNCED)
	$(VENV)/bin/python -m bench.search

eval: $(SYNCED)
	$(VENV)/bin/peninsula eval ../shared/gold/seeds.gold.json
	$(VENV)/bin/peninsula eval tests/passages/passages.gold.json

lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

install: $(SYNCED)

# `peninsula` on your PATH (uv's tool folder, ~/.local/bin by default), with the versions
# of uv.lock: the lock is exported as constraints. Needs the package index once (uv
# caches its answers; the wheels come from the cache `make install` filled), then works
# with UV_OFFLINE=1.
tool: $(SYNCED)
	$(UV) export --frozen --no-dev --no-emit-project --no-hashes --quiet -o $(VENV)/tool-constraints.txt
	$(UV) tool install --force --reinstall-package peninsula --python $(PYTHON) \
	  --constraints $(VENV)/tool-constraints.txt .

# The dashboard test drives Debian's Chromium through its own chromedriver (nothing is
# downloaded at run time). Installed from Debian's packages when missing, as root; without
# root the test skips and says why.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium and chromium-driver for the dashboard test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	  else echo "chromium is missing and this is not root: the dashboard test will skip"; fi; \
	fi

# uv itself comes from PyPI into a private folder, pinned; the project installs from uv.lock.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# --compile-bytecode: with PYTHONDONTWRITEBYTECODE set (as here), Python compiles nothing
# it imports to disk, so every command and every extraction worker compiled Prefect,
# spaCy and matplotlib again: 8.7 s CPU to import the CLI's modules, 3.5 s compiled once.
$(SYNCED): $(UV) uv.lock pyproject.toml Makefile
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

clean:
	rm -rf $(VENV) $(TOOLS) data
