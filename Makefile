# The README's commands. Each sets up what it needs from a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench lint install clean

$(BIN)/mentionspider: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/mentionspider

demo: install
	$(BIN)/mentionspider demo --out demo-output

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/sweep_throughput.py
	$(BIN)/python benchmarks/sweep_scale.py

lint: install
	$(BIN)/pip install --quiet -e '.[lint]'
	$(BIN)/ruff check --select F mentionspider pipelines
	$(BIN)/mypy

clean:
	rm -rf $(VENV) demo-output build *.egg-info
