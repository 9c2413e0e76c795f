# Everything a fresh machine (Python 3.11, pip, make) needs, in a local virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench clean

# The main job on the shipped example.
demo: $(VENV)/.installed
	$(BIN)/csc-outcomes validate examples/returns/valid/dfe-la-2025.csv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# Benchmarks print figures; they are not tests.
bench: $(VENV)/.installed
	$(BIN)/python bench/validate.py

clean:
	rm -rf $(VENV) dist build .pytest_cache
