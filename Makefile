# The front door: `make reports`, `make test`, `make lab`.
# Every target bootstraps .venv from pyproject.toml on first use (Python 3.11+ and pip, no conda).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := clusterix-analytics

.PHONY: reports test lab validate demo clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (clusterix-analytics)"
	@touch $(STAMP)

reports: $(STAMP)
	$(VENV)/bin/clusterix-analytics report

test: $(STAMP)
	$(PY) -m pytest

lab: $(STAMP)
	$(PY) -m clusterix_analytics.lab $(LAB_ARGS)

validate: $(STAMP)
	$(VENV)/bin/clusterix-analytics validate

demo: $(STAMP)
	$(VENV)/bin/clusterix-analytics demo

clean-venv:
	rm -rf $(VENV)
