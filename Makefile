# FamilyVoice. `make run` and `make test` do all set-up on a fresh machine.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: help venv keys model browser haproxy run test bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

venv: ## install the pinned packages into .venv (cached outside the checkout by lock hash)
	@scripts/venv.sh

keys: venv ## create development keys in var/keys if there are none
	@$(VENV)/bin/familyvoice keys init --dev

model: venv ## train the Rasa model if config, domain or data changed (cached by content hash)
	@scripts/train.sh

browser: ## Debian's Chromium and axe-core for the browser tests
	@scripts/browser.sh

haproxy: ## Debian's HAProxy, the balancer of the production-shape tests
	@scripts/haproxy.sh

run: keys model ## start everything on SQLite and print the URLs
	@$(VENV)/bin/familyvoice db upgrade
	@$(VENV)/bin/familyvoice up

test: keys model browser haproxy ## run every test: unit, Rasa data and stories, end to end
	@$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: model haproxy ## benchmark against stock Rasa on this machine and print the table (not a test)
	@$(PY) -m bench.run $(BENCH_ARGS)

clean: ## remove local state (var/, models/ link, .venv link); the caches stay
	rm -rf var models .venv
