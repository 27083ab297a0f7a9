# Every target makes .venv itself when it is missing (or older than pyproject.toml).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pywb for tests/warc/test_writing.py's replay test, in a venv of its own: it pins redis 2.10
# (the cluster needs 5) and brings brotlipy, whose `brotli` shadows Brotli's.
PYWB_VENV := .venv-pywb
PYWB_STAMP := $(PYWB_VENV)/.installed
# The archive `make stats` and `make serve` read: make serve DB=demo.db shows the demo.
DB ?= archive.db

.PHONY: crawl demo stats serve test lint bench bench-large accuracy clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

$(PYWB_STAMP):
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check 'pywb>=2.8,<3'
	touch $(PYWB_STAMP)

## crawl: the main job, the summit campaign from the live sites into archive.db
crawl: $(STAMP)
	$(BIN)/archive crawl --campaign campaigns/summit.toml

## demo: crawl the bundled mirror over 127.0.0.1 into demo.db, its own archive (no internet needed)
demo: $(STAMP)
	$(BIN)/archive demo

## stats: what the archive holds
stats: $(STAMP)
	$(BIN)/archive stats --db $(DB)

## serve: browse $(DB) (archive.db) in Datasette, read-only, at http://127.0.0.1:8001/archive
serve: $(STAMP)
	$(BIN)/archive serve --db $(DB)

## test: lint, then the whole test suite (no network but loopback)
test: lint $(PYWB_STAMP)
	$(BIN)/python -m pytest

## lint: ruff (rules and formatting), and the design rules of docs/ARCHITECTURE.md as import
## contracts (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) $(PYWB_VENV) .pytest_cache .ruff_cache .import_linter_cache *.egg-info

## bench: speed, memory and quality figures into BENCHMARKS.md; installs the tools compared with
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/compare_extractors.py

## bench-large: the search index's growth to 1,000,000 articles, and the near-duplicate index
## of 1,000,000 rebuilt, into BENCHMARKS.md (about 40 minutes on 2 cores)
bench-large: $(STAMP)
	$(BIN)/python scripts/bench.py --large

## accuracy: ours, trafilatura and GNE on real pages (REALPAGES, tests/realpages, AEB) into
## BENCHMARKS.md; a set whose folder is missing is skipped with a note
REALPAGES ?= ../shared/realpages
AEB ?= ../aeb
accuracy: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python scripts/accuracy.py --realpages $(REALPAGES) --aeb $(AEB) --write BENCHMARKS.md
