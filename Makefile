# churn-workbench: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CYCLE ?= demo
CONFIG ?= templates/cycle.yaml
PORT ?= 8866
PYTEST_ARGS ?=

.PHONY: help install demo run test test-fast app bench sample-data data-dictionary check lock clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "churn-workbench needs Python 3.11; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --editable ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the workbench with pinned versions

demo: $(STAMP) ## set up, run the whole suite on the bundled sample data, print the cycle's index.html
	$(BIN)/workbench run --cycle $(CYCLE) --config $(CONFIG) --force
	@echo "Open: $(abspath runs/$(CYCLE)/index.html)"

run: $(STAMP) ## run a cycle: make run CYCLE=2027-q1 CONFIG=cycles/2027-q1.yaml
	$(BIN)/workbench run --cycle $(CYCLE) --config $(CONFIG)

test: $(STAMP) ## set up and run every test (notebooks end to end, offline browser checks)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-fast: $(STAMP) ## run the tests that do not execute notebooks or start a browser
	$(BIN)/python -m pytest -n 2 -m "not notebook and not browser" $(PYTEST_ARGS)

app: $(STAMP) ## serve the interactive vendor comparison, no code shown (http://localhost:8866, PORT=... to change)
	$(BIN)/voila notebooks/dashboards/vendor_comparison.ipynb --no-browser --port=$(PORT) --Voila.ip=127.0.0.1

bench: $(STAMP) ## run the benchmarks in bench/ (ratios against baselines measured in the same run)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

sample-data: $(STAMP) ## regenerate data/sample/ from its seed (bit-identical)
	$(BIN)/workbench sample-data --out data/sample

data-dictionary: $(STAMP) ## regenerate data/README.md from the declared schemas
	$(BIN)/workbench data-dictionary --out data/README.md

check: $(STAMP) ## validate a cycle's inputs without running it: make check CONFIG=...
	$(BIN)/workbench check --config $(CONFIG)

lock: $(STAMP) ## re-pin requirements.lock to what is installed in .venv (after a deliberate upgrade)
	@{ sed -n '1,3p' requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | grep -iv '^churn-workbench'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean: ## remove the virtual environment, caches and test artifacts (keeps runs/)
	rm -rf $(VENV) .pytest_cache tests/artifacts build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
