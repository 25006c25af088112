# Torture Prevention Knowledge Graph: `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KG := $(BIN)/kg
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install install-test run load test lint w3c-deps browser-deps web-assets bench bench-load docs readme clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,docs]"
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[bench]"
	@touch $@

install: $(VENV)/.installed ## Create the virtualenv and install the package

install-test: $(VENV)/.installed-test ## Install with the test extras

load: install ## Load the bundled ontology, shapes and data into the store (KG_STORE)
	$(KG) load

run: load web-assets ## Install, load the bundled data and serve on http://127.0.0.1:8000
	$(KG) serve --host $(HOST) --port $(PORT)

VENDOR := src/kg/web/static/vendor
ASSETS := assets/node_modules
VENDORED := $(ASSETS)/@zazuko/yasgui/build/yasgui.min.js $(ASSETS)/@zazuko/yasgui/build/yasgui.min.css \
	$(ASSETS)/vega/build/vega.min.js $(ASSETS)/vega-lite/build/vega-lite.min.js \
	$(ASSETS)/vega-embed/build/vega-embed.min.js

$(ASSETS)/.installed: assets/package.json assets/package-lock.json
	npm ci --prefix assets --no-audit --no-fund
	@touch $@

$(VENDOR)/.copied: $(ASSETS)/.installed
	mkdir -p $(VENDOR)
	cp $(VENDORED) $(VENDOR)/
	node -e 'for (const p of ["@zazuko/yasgui","vega","vega-lite","vega-embed"]) { const m = require("./assets/node_modules/" + p + "/package.json"); console.log(`$${m.name} $${m.version}: $${m.license} licence, https://www.npmjs.com/package/$${m.name}`) }' > $(VENDOR)/LICENSES.txt
	for p in vega vega-lite vega-embed; do cp $(ASSETS)/$$p/LICENSE $(VENDOR)/LICENSE.$$p; done
	@touch $@

web-assets: $(VENDOR)/.copied ## Install the browser libraries (npm) into the static folder

w3c-deps: ## Install the pinned W3C test runner (npm)
	@test -d tests/w3c/node_modules/rdf-test-suite || npm ci --prefix tests/w3c --no-audit --no-fund

lint: install-test ## ruff (lint and format check) and mypy
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/mypy

browser-deps: ## Install headless Chromium and chromedriver for the browser tests (apt)
	@test -x /usr/bin/chromium && test -x /usr/bin/chromedriver || \
		{ apt-get update && apt-get install -y chromium chromium-driver; }

test: install-test w3c-deps browser-deps web-assets lint ## Install with test extras and run the whole suite
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench install ## Benchmark kg serve against oxigraph and rdflib-endpoint
	$(BIN)/python bench/endpoint.py

bench-load: install-test ## Load-and-kill benchmark: 60 s of mixed load, SIGKILL, restart, checks
	$(BIN)/python bench/load.py

docs: install-test ## Generate the ontology documentation (docs/ontology.html)
	$(BIN)/python docs/build.py

readme: install ## Refresh the settings table in README.md from the declared settings
	$(BIN)/python docs/sync_readme.py

.PHONY: screenshots
screenshots: install-test web-assets browser-deps ## Capture the README screenshots (docs/img/) from a live kg serve
	$(BIN)/python docs/screenshots.py

clean: ## Remove the virtualenv, the store and caches
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache bench/.cache
