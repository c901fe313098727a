# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin

# Every package comes from requirements.lock (exact versions, hashes checked); then Tværs itself,
# without dependencies. pip check fails if pyproject.toml asks for something the lock lacks.
# TVAERS_ENGINE=spark needs Java 17 (Debian's default JRE) for PySpark.
$(BIN)/.installed: pyproject.toml requirements.lock
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; }
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade 'pip>=26,<27'
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check || { echo 'requirements.lock does not match pyproject.toml: run make lock'; exit 1; }
	touch $@

.PHONY: install demo test lint bench browser lock upgrade
install: $(BIN)/.installed

# requirements.lock from pyproject.toml's ranges (Linux, CPython 3.11). `make lock` keeps each
# pinned version that still fits and adds or drops what pyproject.toml changed; `make upgrade`
# takes the newest release in range of everything. Then `make test`, and commit both files.
LOCK := $(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	--custom-compile-command 'make lock' --quiet -o requirements.lock
$(BIN)/uv:
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet 'uv>=0.13,<1'
lock: $(BIN)/uv
	$(LOCK)
upgrade: $(BIN)/uv
	$(LOCK) --upgrade

demo: $(BIN)/.installed
	$(BIN)/tvaers demo

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/sizes.py

# The browser tests drive Debian's Chromium (a test tool's own browser download does not work).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: lint browser
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/foundation.py
