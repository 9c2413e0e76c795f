# Everything a fresh machine (Python 3.11, pip, make) needs, in a local virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# The main job on the shipped example.
demo: $(VENV)/.installed
	$(BIN)/csc-outcomes check
	$(BIN)/csc-outcomes indicators show cla_rate_31mar

test: $(VENV)/.installed
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) dist build .pytest_cache
