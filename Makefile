# InnoBridge 创新桥 — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
WORKERS ?=
THREADS ?=
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-extras-stamp
export FLASK_APP := wsgi

.PHONY: install install-test run serve migrate seed test test-fast mutation clean help

help:
	@echo "make run    set up .venv, migrate, seed an empty database, serve on http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set)"
	@echo "make mutation  mutation testing of the core rules (slow; docs/testing.md)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

# What serving needs is the package alone; the tests add their extras (pytest, Playwright, bm25s…).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(TEST_STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed --if-empty
	$(BIN)/flask match rebuild --if-missing

run: seed serve

serve: install
	@echo "InnoBridge on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) THREADS=$(THREADS) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: install-test
	$(BIN)/pytest

test-fast: install-test
	$(BIN)/pytest -x -q

# Mutation testing (docs/testing.md): SQLite only, niced, MUTATION_JOBS workers; results are
# kept in mutants/ so a second run only re-tests what changed (rm -rf mutants for a fresh run).
MUTATION_JOBS ?= 2
mutation: install-test
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	env -u TEST_DATABASE_URL nice -n 10 $(BIN)/mutmut run --max-children $(MUTATION_JOBS)
	$(BIN)/python tests/mutation_report.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info mutants
