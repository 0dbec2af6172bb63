# Sharewise: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sharewise-installed
BUNDLE_STAMP := $(VENV)/.sharewise-bundle-installed

.PHONY: run test lint typecheck unit bench clean bundle bundle-check

# Create the virtual environment if missing and (re)install when the dependencies change.
$(STAMP): pyproject.toml installer/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c installer/constraints.txt -e '.[test]'
	@touch $(STAMP)

# The desktop program on a throwaway vault of fictional people (deleted when the window closes).
run: $(STAMP)
	$(BIN)/sharewise --demo

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

# The one-folder program (dist/sharewise) and its Linux archive; see docs/packaging.md.
$(BUNDLE_STAMP): pyproject.toml installer/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c installer/constraints.txt -e '.[test,bundle]'
	@touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller installer/sharewise.spec
	$(BIN)/python installer/make_archive.py

# Builds the bundle, then runs it: both self-tests, the keyring, a real window under Xvfb, validators.
bundle-check: bundle
	$(BIN)/python installer/check_bundle.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
