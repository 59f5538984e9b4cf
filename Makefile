# The two commands of the README: `make demo` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/sheetsync demo

test: $(STAMP)
	$(BIN)/ruff check sheetsync tests cloudfunction
	$(BIN)/mypy sheetsync cloudfunction/main.py cloudfunction/package.py cloudfunction/schedules.py
	$(BIN)/bandit -c pyproject.toml -q -r sheetsync cloudfunction
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sheetsync tests cloudfunction
	$(BIN)/ruff format --check sheetsync tests
	$(BIN)/mypy sheetsync cloudfunction/main.py cloudfunction/package.py cloudfunction/schedules.py
	$(BIN)/bandit -c pyproject.toml -q -r sheetsync cloudfunction

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
