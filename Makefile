# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: setup demo test bench train-ner fuzz fuzz-api clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline --db $(DEMO_DB) ingest examples/seeds/
	$(BIN)/storyline --db $(DEMO_DB) articles

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO_DB) *.egg-info
