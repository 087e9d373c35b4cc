# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: setup browser demo test bench train-ner train-syntax tune-clustering fuzz fuzz-api messages clean

# dev: the test tools; eval: what evaluation and benchmarks import (scipy, nltk, matplotlib), for make test and make bench.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,eval]'
	touch $(STAMP)

setup: $(STAMP) browser

# Headless Chromium for the browser tests: Debian's package, never a downloaded browser build. Only
# when missing and apt is usable; otherwise (or if apt fails) the browser tests skip with a message.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "note: could not install chromium; the browser tests will be skipped"; \
	else echo "note: no chromium and no apt-get (as root); the browser tests will be skipped"; fi

demo: setup
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline --db $(DEMO_DB) ingest examples/seeds/
	$(BIN)/storyline --db $(DEMO_DB) articles
	$(BIN)/storyline --db $(DEMO_DB) storylines
	$(BIN)/storyline --db $(DEMO_DB) events
	$(BIN)/storyline --db $(DEMO_DB) timeline
	@echo
	@echo "Open the web page on the example corpus (then browse http://127.0.0.1:8000/):"
	@echo "  $(BIN)/storyline --db $(DEMO_DB) serve"

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO_DB) *.egg-info

# Train the NER models (CRF; ~5 min on 2 cores) into src/storyline/trained_models/. DATA defaults to ../shared/data.
NER_DATA ?= $(or $(STORYLINE_DATA),$(abspath ../shared/data))
train-ner: setup
	$(BIN)/python -m storyline.eval.train_ner --data $(NER_DATA) --lang all --include-dev

# Train the Dutch syntax model (spaCy: morphologiser and parser; lemmas from simplemma; ~12 min on 2 cores) into
# src/storyline/trained_models/syntax-nl/ from ud-dutch (and unlabelled DPG/CoNLL-2002 text for its vectors).
SYNTAX_ARGS ?= --epochs 10 --vectors --parser-hidden 64 --no-lemmatizer
train-syntax: setup
	$(BIN)/python -m storyline.eval.train_syntax --data $(NER_DATA) $(SYNTAX_ARGS)

# Fit the event clusterer's weights and thresholds on training data only (ECB+ train/dev topics, MEANTIME
# en/es/it, unlabelled DPG texts; about 10 min); prints the values recorded in src/storyline/cluster/params.py.
# Default: keep the fitted models in params.py, derive the undated-pair model and print the grids (what
# params.py holds). TUNE_ARGS= refits everything (prior, both models; see the note in params.py).
TUNE_ARGS ?= --skip-prior --undated-only
tune-clustering: setup
	$(BIN)/python -m storyline.eval.tune_clustering --data $(or $(STORYLINE_DATA),$(abspath ../shared/data)) $(TUNE_ARGS)

# Speed: end-to-end ingest of the DPG corpus (enrichment, clustering, store) against the models alone
# (< 10 min). BENCH_ARGS="--scale --target 100000" for the scaling curve (plots into docs/).
BENCH_ARGS ?=
# The pages' strings: extract from the templates (Babel), then fill the Dutch catalogue (api/web/locale/).
LOCALE := src/storyline/api/web/locale
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --no-location -o $(LOCALE)/messages.pot .
	$(BIN)/python $(LOCALE)/translate_nl.py $(LOCALE)/messages.pot $(LOCALE)/nl/LC_MESSAGES/messages.po

bench: setup
	$(BIN)/storyline bench --docs docs $(BENCH_ARGS)

# Robustness fuzzing (docs/reliability.md): >= 10,000 generated cases over readers, extractors, search and
# the API in-process, plus the SIGKILL crash test on 3,000 articles.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz STORYLINE_CRASH_ARTICLES=3000 $(BIN)/python -m pytest tests/robustness -p no:cacheprovider

# Schemathesis against `storyline serve` on 127.0.0.1: every operation, bounded (examples per operation, seconds).
FUZZ_API_EXAMPLES ?= 200
FUZZ_API_SECONDS ?= 300
fuzz-api: setup
	FUZZ_API_EXAMPLES=$(FUZZ_API_EXAMPLES) FUZZ_API_SECONDS=$(FUZZ_API_SECONDS) $(BIN)/python tests/robustness/run_fuzz_api.py
