# Everything a fresh clone needs is installed here, into .venv, on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCALE ?= 1
# the sample the notebooks' stored outputs are computed from (never the user's data/)
SAMPLE_DATA := $(CURDIR)/build/sample-data
SAMPLE_STAMP := $(SAMPLE_DATA)/processed/SAMPLE.json
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

.PHONY: reports test lab bench notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[dev]'
	touch $(STAMP)

## reports: build the sample data (the batch build of reports comes with `p06 build`)
reports: $(STAMP)
	$(BIN)/p06 sample --scale $(SCALE)
	@echo "Built the synthetic sample in data/processed/ (see data/processed/SAMPLE.json)."
	@echo "No rendered reports yet: the review notebooks and 'p06 build' are not in this version."

$(SAMPLE_STAMP): $(STAMP) src/helpers/sample.py data/reference/legacy_provinces.csv data/reference/communes.csv
	$(BIN)/p06 sample --data-dir $(SAMPLE_DATA)

## test: lint, unit and data tests, and nbval on the notebooks' stored outputs
test: $(STAMP) $(SAMPLE_STAMP)
	$(BIN)/ruff check src tests scripts
	P06_DATA_DIR=$(SAMPLE_DATA) $(BIN)/python -m pytest tests notebooks $(NBVAL)

## notebooks: re-run the notebooks with their default parameters and store the outputs
notebooks: $(SAMPLE_STAMP)
	P06_DATA_DIR=$(SAMPLE_DATA) $(BIN)/python -m helpers.notebooks

## lab: JupyterLab on the repository, with the project's kernel registered
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name p06 --display-name "Python (p06)"
	$(BIN)/jupyter lab --notebook-dir=.

## bench: time and memory of the sample generator (see README, Performance)
bench: $(STAMP)
	$(BIN)/python -m helpers.bench

clean:
	rm -rf data/processed data/mart reports
