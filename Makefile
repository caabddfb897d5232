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

.PHONY: run test bench bench-extract eval lint install clean

run: $(SYNCED)
	$(VENV)/bin/peninsula ingest
	$(VENV)/bin/peninsula status

test: $(SYNCED)
	@mkdir -p "$(PREFECT_HOME)"
	$(VENV)/bin/pytest

bench: $(SYNCED)
	$(VENV)/bin/python -m bench.ingest

bench-extract: $(SYNCED)
	$(VENV)/bin/python -m bench.extract

eval: $(SYNCED)
	$(VENV)/bin/peninsula eval ../shared/gold/seeds.gold.json
	$(VENV)/bin/peninsula eval tests/passages/passages.gold.json

lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

install: $(SYNCED)

# uv itself comes from PyPI into a private folder, pinned; the project installs from uv.lock.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(SYNCED): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

clean:
	rm -rf $(VENV) $(TOOLS) data
