# Everything a fresh machine (Python 3.11, pip, make) needs, in a local virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench fuzz clean

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

# The fuzzer's long run: 10,000 mutated inputs through every command (the suite runs 40).
# FUZZ_SEED=N replays another sequence; FUZZ_FIRST=N starts at case N.
fuzz: $(VENV)/.installed
	FUZZ_CASES=$${FUZZ_CASES:-10000} $(BIN)/python -m pytest tests/test_fuzz.py -k keeps_its_promises -q -s -p no:cacheprovider
