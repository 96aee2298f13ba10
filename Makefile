# The front door: `make reports`, `make test`, `make lab`.
# Every target bootstraps .venv from pyproject.toml on first use (Python 3.11+ and pip, no conda).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := clusterix-analytics

.PHONY: reports test test-fast lint lab validate demo clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (clusterix-analytics)"
	@touch $(STAMP)

reports: $(STAMP)
	$(VENV)/bin/clusterix-analytics report

# The whole suite: lint first (a lint failure fails the tests), then unit, integration, browser and doctests.
test: lint
	$(PY) -m pytest

# The quick loop: unit tests and doctests on both cores, no kernels, no browser (under a minute).
test-fast: lint
	$(PY) -m pytest -m "not kernel and not browser and not slow" -q -n 2

lint: $(STAMP)
	$(PY) -m ruff check .

lab: $(STAMP)
	$(PY) -m clusterix_analytics.lab $(LAB_ARGS)

validate: $(STAMP)
	$(VENV)/bin/clusterix-analytics validate

demo: $(STAMP)
	$(VENV)/bin/clusterix-analytics demo

clean-venv:
	rm -rf $(VENV)
