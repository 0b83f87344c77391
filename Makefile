# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make demo   create .venv, install doisoat, reconcile the Tây Ninh 2019 scenario
#   make test   create .venv, install doisoat + dev tools, lint, type-check, run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

.PHONY: install demo test lint bench
install: $(STAMP)

demo: $(STAMP)
	$(BIN)/doisoat demo --workdir demo

lint: $(STAMP)
	$(BIN)/ruff check doisoat tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)  # every benchmark at full size; quick: make bench ROWS=20000 (the smallest size every scenario can be built at)
	$(BIN)/python -m bench $(if $(ROWS),--rows $(ROWS))
