# The two set-up commands (see README.md):
#   make serve   start the service on the embedded default (SQLite under ./var/, no servers)
#   make test    install what the tests need and run every check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: serve test check unit install
.DEFAULT_GOAL := help

help:
	@echo "make serve  - start Paeshift on the embedded default (http://127.0.0.1:8000)"
	@echo "make test   - install test dependencies, run static checks and the whole test suite"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[server,dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/paeshift serve

check: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src tests
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -m "not integration" tests

test: check
	$(BIN)/pytest --cov=paeshift_core --cov-branch --cov-report=term --cov-fail-under=90 tests
