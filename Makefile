# Two commands do all the set-up on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test faults lint typecheck pytest system-deps golden clean

build: $(STAMP)  ## venv, install, build output/ from events.toml
	$(BIN)/confcal build events.toml -o output

test: $(STAMP) system-deps lint typecheck pytest  ## ruff, mypy and pytest

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

system-deps:  ## Debian packages some tests need (libical, Chromium); installs when root
	sh .ci/system-deps

faults: $(STAMP)  ## the whole fault-injection suite, NeurIPS-size random kills included (minutes)
	$(BIN)/pytest -m "" tests/test_faults.py tests/test_output_folder.py tests/test_state.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

golden: $(STAMP)  ## rebuild output/ and the test reference files after a reviewed change
	$(BIN)/confcal build events.toml -o output
	$(BIN)/python -m tests.test_page_bytes

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
