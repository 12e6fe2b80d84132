# Two set-up commands: `make up` and `make test`. Everything installs into this directory.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEVKIT := $(PY) -m cdktf_devkit
SCAN_VENV := .venv-scan
# uv installs the pinned packages: the same files as pip, in seconds instead of minutes (no bytecode
# compiled ahead; a package index other than PyPI is set with UV_INDEX_URL, as PIP_INDEX_URL is for pip).
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
export CHECKPOINT_DISABLE := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: help install system-packages scan hcl reference outputs up lint format test test-unit test-plan test-e2e diff synth deploy destroy down bootstrap bench check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(VENV)/.installed node_modules/.installed ## install Python packages, the cdktf CLI and the Terraform CLI config

$(UV_STAMP):
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@touch $@

$(VENV)/.installed: requirements.txt modules/pyproject.toml devkit/pyproject.toml | $(UV_STAMP)
	@echo "==> installing Python packages into $(VENV)"
	@$(UV) pip install --quiet --python $(PY) -r requirements.txt
	@$(UV) pip install --quiet --python $(PY) --no-deps -e modules -e devkit
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> installing the cdktf CLI into node_modules"
	@command -v npm >/dev/null || { echo "error: npm not found: install Node.js >= 20 with npm"; exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian packages the browser tests and benchmarks use; installed only when missing (needs root or sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages: ## install Chromium, its driver and a Korean font (browser tests) and wrk (benchmarks) from Debian if missing
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	fc-list :lang=ko 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		echo "==> installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(SCAN_VENV)/.installed: requirements-scan.txt | $(UV_STAMP)
	@echo "==> installing checkov into $(SCAN_VENV)"
	@test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	@$(UV) pip install --quiet --python $(SCAN_VENV)/bin/python -r requirements-scan.txt
	@touch $@

scan: install $(SCAN_VENV)/.installed ## checkov over every synthesized stack (RECORD=1 writes the figures into docs/SECURITY.md)
	@CHECKOV=$(SCAN_VENV)/bin/checkov $(DEVKIT) scan $(if $(RECORD),--record)

check: install ## check prerequisites (terraform, node, provider mirror)
	@$(DEVKIT) check

up: install ## start the local AWS, bootstrap state, deploy every stack, print outputs
	@$(DEVKIT) up

lint: install ## ruff check and ruff format --check over the repository (rules in pyproject.toml)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: install ## ruff check --fix and ruff format: fix what lint finds
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

# The end-to-end tier and the examples mostly wait on AWS provider waiters, so they run alongside the
# rest rather than after it, in streams of their own (each with its own local AWS on its own ports);
# each stream's output is printed whole when it ends.
E2E_DEPLOY := tests/test_deploy_e2e.py
E2E_STATE := tests/test_state_safety_e2e.py
STREAMS := test-streams-scan test-streams-unit test-streams-plan test-streams-e2e-deploy test-streams-e2e-state test-streams-e2e-other test-streams-examples

test: ## install (Python and npm packages at once), lint, then seven streams at once: the policy scan; the unit tier; the app and plan tiers; the end-to-end deploy; the state-safety tests; the other end-to-end tests; each example's tests
	@$(MAKE) --no-print-directory -j2 --output-sync=target install
	@$(MAKE) --no-print-directory system-packages lint
	@$(MAKE) --no-print-directory -j7 --output-sync=target $(STREAMS)

.PHONY: $(STREAMS)
# The CPU-bound streams yield the processor to the end-to-end ones, whose waits they fill, and keep both
# cores busy once the end-to-end streams are done.
test-streams-scan: scan

test-streams-unit:
	@nice -n 10 $(PY) -m pytest -m "unit and not e2e" tests

test-streams-plan:
	@nice -n 10 $(PY) -m pytest -m "not unit and not e2e" tests

test-streams-e2e-deploy:
	@$(PY) -m pytest -m e2e $(E2E_DEPLOY)

test-streams-e2e-state:
	@$(PY) -m pytest -m e2e $(E2E_STATE)

test-streams-e2e-other:
	@$(PY) -m pytest -m e2e --ignore=$(E2E_DEPLOY) --ignore=$(E2E_STATE) tests

# Every example in one session: each is its own app (its own synth and state bucket), one local AWS.
test-streams-examples:
	@$(PY) -m pytest examples

test-unit: install ## synth-level tests only
	@$(PY) -m pytest -m unit

test-plan: install ## plan-level tests against a local AWS, the examples' among them
	@$(PY) -m pytest -m plan

test-e2e: install system-packages ## end-to-end deploys into a local AWS (slow)
	@$(PY) -m pytest -m e2e

diff: install ## terraform plan of every stack at once (or STACKS="..."); VERBOSE=1 streams the plans
	@$(DEVKIT) diff $(STACKS)

synth: install ## synthesize every stack into cdktf.out/
	@$(DEVKIT) synth

hcl: install ## write every stack as plain Terraform (HCL) into hcl/ (the exit path off cdktf)
	@$(DEVKIT) hcl

reference: install ## regenerate docs/REFERENCE.md from the construct library and the devkit's pytest plugin
	@$(DEVKIT) reference --package cdktf_fargate

deploy: install ## terraform apply of every stack in dependency order (or STACKS="...")
	@$(DEVKIT) deploy $(STACKS)

destroy: install ## terraform destroy of every stack in reverse dependency order (or STACKS="...")
	@$(DEVKIT) destroy $(STACKS)

outputs: install ## print the outputs of the last make up
	@$(DEVKIT) outputs

down: ## stop the local AWS (its resources and state go with it)
	@if [ -x $(PY) ]; then $(DEVKIT) down; else echo "==> nothing to stop"; fi

bootstrap: install ## create the Terraform state bucket (TODOLIST_ENV=aws for a real account)
	@$(DEVKIT) bootstrap

bench: install $(if $(filter synth,$(ONLY)),,system-packages) ## run the benchmarks and record them in docs/BENCHMARKS.md (ONLY=synth: just synth against AWS CDK; ONLY=deploy: up, diff and destroy; ONLY=apps: two apps in one pytest run; ONLY=gc: terraform plan with and without the devkit's GOGC; ONLY=endpoints: terraform plan with and without the provider's endpoints block; ONLY=test: make test on a fresh clone)
	@$(PY) bench/run.py $(ONLY)
