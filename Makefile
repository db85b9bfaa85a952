# unionfed: two commands on a fresh machine.
#   make run    the product, with an embedded PostgreSQL and demo data
#   make test   lint, format check, types and the whole test suite
# The virtual environment is built from requirements.lock (every dependency pinned, with hashes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock

.PHONY: run test lint typecheck pytest bench lock refresh-data clean

# --no-deps: the lock already pins every dependency. Left to resolve, pip 23.2 looks past the pin of
# coverage for pytest-cov's coverage[toml] and refuses a newer release it finds (pypa/pip#12345).
# pip check then finds any installed package whose requirements are missing or at the wrong version
# (it does not look at extras: those were resolved with the rest when the lock was compiled).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check --disable-pip-version-check
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/unionfed run

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers (pytest-xdist), each with its own embedded PostgreSQL: both cores busy, a third less time
# than one process. PYTEST_WORKERS=0 runs the suite in this process (for a debugger, or -x).
PYTEST_WORKERS ?= 2

pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=term $(PYTEST_ARGS)

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# Re-pin every dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --generate-hashes -o requirements.lock

# Regenerate the derived reference data of the standard (regions, countries) from their sources.
refresh-data: $(STAMP)
	$(BIN)/python exchange/standard/data/refresh.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .coverage
