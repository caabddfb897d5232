# Everything a fresh machine with Python 3.11 needs: `make run`, `make test`, `make bench`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced

# Keep Prefect's own state inside the project, and off the network.
export PREFECT_HOME ?= $(CURDIR)/data/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test serve browser bench bench-extract bench-feeds bench-derive eval lint install clean

run: $(SYNCED)
	$(VENV)/bin/peninsula ingest
	$(VENV)/bin/peninsula status

test: $(SYNCED) browser
	@mkdir -p "$(PREFECT_HOME)"
	$(VENV)/bin/pytest

# Leave peninsula running: Prefect server, UI and the scheduled deployments (Ctrl-C stops).
serve: $(SYNCED)
	@mkdir -p "$(PREFECT_HOME)"
	$(VENV)/bin/peninsula serve

bench: $(SYNCED)
	$(VENV)/bin/python -m bench.ingest

bench-extract: $(SYNCED)
	$(VENV)/bin/python -m bench.extract

bench-feeds: $(SYNCED)
	$(VENV)/bin/python -m bench.feeds

# Derivation as the warehouse grows: 5,000 articles from text, 5,000 to 100,000 generated
# (about 40 minutes on 2 cores; figures printed, nothing asserted).
bench-derive: $(SYNCED)
	$(VENV)/bin/python -m bench.derive

eval: $(SYNCED)
	$(VENV)/bin/peninsula eval ../shared/gold/seeds.gold.json
	$(VENV)/bin/peninsula eval tests/passages/passages.gold.json

lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

install: $(SYNCED)

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

$(SYNCED): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

clean:
	rm -rf $(VENV) $(TOOLS) data
