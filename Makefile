# Everything a fresh clone needs is installed here, into .venv, on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCALE ?= 1

.PHONY: reports test lab bench sample lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## reports: build the sample data (the batch build of reports comes with `p06 build`)
reports: $(STAMP)
	$(BIN)/p06 sample --scale $(SCALE)
	@echo "Built the synthetic sample in data/processed/ (see data/processed/SAMPLE.json)."
	@echo "No rendered reports yet: the review notebooks and 'p06 build' are not in this version."

## test: lint, unit tests and data tests
test: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/python -m pytest

## lab: JupyterLab on the repository, with the project's kernel registered
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name p06 --display-name "Python (p06)"
	$(BIN)/jupyter lab --notebook-dir=.

## bench: time and memory of the sample generator (see README, Performance)
bench: $(STAMP)
	$(BIN)/python -m helpers.bench

clean:
	rm -rf data/processed data/mart reports
