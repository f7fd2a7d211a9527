# WBS: two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := contracts runtime launcher gateway $(wildcard services/*)
PYTEST := $(BIN)/pytest
# Most of a test's time is waiting on services and the broker: two workers finish in about
# half the time on two cores. A module's tests stay on one worker (their fixtures), and so do
# all end-to-end tests (one running stack); each worker keeps the collection's order of modules.
# TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2
PARALLEL := -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

.PHONY: run test test-unit test-contracts test-integration test-e2e bench lint format schemas asyncapi lock clean-var help

help:
	@echo "make run          start the whole system on embedded PostgreSQL and Kafka-compatible broker"
	@echo "make test         run every test (unit, contracts, integration, end-to-end) and the linters"
	@echo "make test-unit | test-contracts | test-integration | test-e2e   one kind of test"
	@echo "make bench        measure submission, consumers' catch-up rate, a restart with 100,000 reports of history, and the officers' queue with 10,000 cases"
	@echo "make lint         ruff, mypy and the architecture contracts (import-linter)"
	@echo "make schemas      regenerate contracts/schemas from the event models (and docs/asyncapi.yaml)"
	@echo "make asyncapi     regenerate docs/asyncapi.yaml from the topic registry and contracts/schemas"

$(STAMP): requirements.lock $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		$(foreach p,$(PACKAGES),-e $(p))
	$(BIN)/python -m pip check
	touch $@

run: $(STAMP)
	$(BIN)/python -m wbs_launcher run

test: $(STAMP) lint
	$(PYTEST) $(PARALLEL)

test-unit: $(STAMP)
	$(PYTEST) -m unit

test-contracts: $(STAMP)
	$(PYTEST) -m contracts

test-integration: $(STAMP)
	$(PYTEST) $(PARALLEL) -m integration

test-e2e: $(STAMP)
	$(PYTEST) -m e2e

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench catchup
	$(BIN)/python -m bench.restart
	$(BIN)/python -m bench.queue

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schemas: $(STAMP)
	$(BIN)/python -m wbs_contracts.schemas
	$(BIN)/python -m wbs_contracts.asyncapi

asyncapi: $(STAMP)
	$(BIN)/python -m wbs_contracts.asyncapi

# Re-resolve every pinned version from requirements.in (needs the package registry).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet -r requirements.in
	.lockenv/bin/pip freeze --all | grep -v '^pip==' > requirements.lock
	rm -rf .lockenv

# Forget the embedded database, broker state and development keys of `make run`.
clean-var:
	rm -rf var
