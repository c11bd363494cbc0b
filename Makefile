# The two set-up commands (see README.md):
#   make serve   start the service on the embedded default (SQLite under ./var/, no servers)
#   make test    install what the tests need and run every check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: serve test check unit install bench
.DEFAULT_GOAL := help

help:
	@echo "make serve  - start Paeshift on the embedded default (http://127.0.0.1:8000)"
	@echo "make test   - install test dependencies, run static checks and the whole test suite"
	@echo "make bench  - seed PostgreSQL and run the load benchmark (README: Performance)"

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

# The unit suite (no I/O) runs on every core; the integration suite runs in one process
# (its concurrency tests start their own parallel connections). Coverage of paeshift_core
# is collected over both and enforced at the end.
UNIT := $(BIN)/pytest -n auto -m "not integration" tests

unit: $(STAMP)
	$(UNIT)

test: check
	$(UNIT) --cov=paeshift_core --cov-branch --cov-report=
	$(BIN)/pytest -m integration --cov=paeshift_core --cov-branch --cov-append \
		--cov-report=term:skip-covered --cov-fail-under=90 tests

# The load benchmark (README: Performance): needs wrk, PostgreSQL and Redis on localhost.
BENCH_ARGS ?= --jobs 100000 --applications 500000 --duration 20 --warmup 60 --rate 500 --rate 250 --check-ledger
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
