# Sharewise: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sharewise-installed
DEMO_DIR ?= .demo

.PHONY: run test lint typecheck unit bench clean

# Create the virtual environment if missing and (re)install when the dependencies change.
$(STAMP): pyproject.toml installer/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c installer/constraints.txt -e '.[test]'
	@touch $(STAMP)

# Until the desktop shell lands, this builds the demo vault with the admin command line.
run: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/python -m app demo --data-dir $(DEMO_DIR)
	$(BIN)/python -m app info --data-dir $(DEMO_DIR)

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache *.egg-info
