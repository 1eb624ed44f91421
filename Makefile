# Two commands do all the set-up: `make demo` and `make test`; each creates .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench clean

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## The main job: Shopify and Amazon orders into NetSuite and a dropship partner, on SQLite and sandboxes.
demo: $(STAMP)
	$(BIN)/crossdock demo

## The test suite (PostgreSQL tests run when CROSSDOCK_TEST_POSTGRES_DSN is set, skip otherwise).
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/runtime.py

clean:
	rm -rf $(VENV) .crossdock build *.egg-info
