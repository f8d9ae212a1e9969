# Two commands do everything on a fresh machine: `make repro` and `make test`.
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup repro test lint

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

repro: setup
	dvc repro
	dvc metrics show

test: setup
	ruff check .
	pytest

lint: setup
	ruff check .
