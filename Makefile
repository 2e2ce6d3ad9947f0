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

.PHONY: reports test lab bench notebooks clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[dev]'
	touch $(STAMP)

## reports: the default runs of reports.yml into reports/ (the sample data first, if data/ is empty)
reports: $(STAMP)
	@if ls data/processed/*/*.parquet >/dev/null 2>&1; then \
		echo "Using the data already in data/processed/"; \
	else \
		$(BIN)/p06 sample --scale $(SCALE); \
	fi
	$(BIN)/p06 build --runs reports.yml
	@echo "Open reports/index.html in a browser."

$(SAMPLE_STAMP): $(STAMP) $(wildcard src/helpers/data/sample/*.py) data/reference/legacy_provinces.csv data/reference/communes.csv data/reference/sample_vocabulary.yml data/reference/indicators.yml
	$(BIN)/p06 sample --data-dir $(SAMPLE_DATA)

## browser: Debian's Chromium for the browser tests, where this machine allows it (root, apt-get)
browser:
	@if command -v chromium >/dev/null 2>&1 || [ -n "$$P06_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests: apt-get install -y chromium"; \
		apt-get install -y -qq chromium >/dev/null 2>&1 \
		|| { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; } \
		|| echo "Could not install Chromium: the browser tests will be skipped"; \
	else \
		echo "No Chromium: the browser tests will be skipped (as root: apt-get install -y chromium)"; \
	fi

## test: lint, unit and data tests, browser tests, and nbval on the notebooks' stored outputs
test: $(STAMP) $(SAMPLE_STAMP) browser
	$(BIN)/ruff check src tests scripts
	P06_DATA_DIR=$(SAMPLE_DATA) $(BIN)/python -m pytest tests notebooks $(NBVAL)

## notebooks: re-run the notebooks with their default parameters and store the outputs
notebooks: $(SAMPLE_STAMP)
	P06_DATA_DIR=$(SAMPLE_DATA) $(BIN)/python -m helpers.batch.notebooks

## lab: JupyterLab on the repository, with the project's kernel registered
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name p06 --display-name "Python (p06)"
	$(BIN)/jupyter lab --notebook-dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root)

## bench: time and memory of the sample generator (see README, Performance)
bench: $(STAMP)
	$(BIN)/python -m helpers.cli.bench

clean:
	rm -rf data/processed data/mart reports
