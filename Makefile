# keepslot — every command a freelancer or CI needs. Works from a clean clone
# with only Python, make and (for the browser tests) root's apt.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
CONFIG ?= keepslot.yaml
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve demo test test-fast lint layers site check-config bench package deploy chromium clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# CONFIG=path: check, build the site from and serve another config than keepslot.yaml.
check-config: $(STAMP)
	@$(BIN)/python -m keepslot.config.check_config $(CONFIG)

site: check-config
	KEEPSLOT_CONFIG=$(abspath $(CONFIG)) $(BIN)/mkdocs build --strict --quiet

serve: site
	$(BIN)/python -m infra.local.serve --port $(PORT) --config $(CONFIG)

# A year of history in the running `make serve` (another terminal), through the API.
demo: $(STAMP)
	$(BIN)/python -m infra.local.demo

chromium:
	@bash infra/ensure_chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Which layer imports which (ARCHITECTURE.md); exits 1 naming any import that runs the wrong way.
layers: $(STAMP)
	@$(BIN)/python -m keepslot.layers

# Unit tests without the slow ones: the pure core, words, config, templates (two workers).
test-fast: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile -m "not slow" tests/unit

# Everything, on two workers (a test module stays on one: its fixtures are shared).
test: chromium lint
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m bench.run

# What ships is always the root keepslot.yaml, whatever CONFIG says.
package deploy: override CONFIG = keepslot.yaml

# build/lambda.zip: arm64 / Python 3.13 wheels, keepslot and keepslot.yaml (infra/package.py)
package: check-config
	$(BIN)/python -m infra.package

# Secrets, site, package, sam deploy, sync, invalidation (infra/deploy.py). ENV=staging
# picks samconfig.toml's [staging]. Needs the AWS SAM CLI and AWS credentials.
# With payments: stripe it stops while Stripe's secrets are unset; ANYWAY=1 deploys anyway
# (the webhook then refuses every event until its secret is stored).
deploy: check-config
	$(BIN)/python -m infra.deploy --config-env $(or $(ENV),default) $(if $(ANYWAY),--deploy-anyway)

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
