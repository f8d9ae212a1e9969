# Two commands do everything on a fresh machine: `make repro` and `make test`.
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup repro test lint bench serve

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

web/node_modules/.package-lock.json: web/package-lock.json
	npm ci --prefix web --no-audit --no-fund

# Debian's Chromium for the browser tests; tests never let a tool download a browser.
/usr/bin/chromium:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium

setup: $(VENV)/.installed web/node_modules/.package-lock.json

repro: setup
	dvc repro
	dvc metrics show

test: setup /usr/bin/chromium
	ruff check .
	pytest

lint: setup
	ruff check .

# The web page on http://127.0.0.1:8000/ (its model comes from `dvc repro` or `dvc pull`).
serve: web/node_modules/.package-lock.json
	npm run serve --prefix web

# Trains the seed and default presets and measures every runtime: about half an hour.
bench: setup /usr/bin/chromium
	python -m stages.bench
