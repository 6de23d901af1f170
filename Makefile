# coprod-kg: `make run` then `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CLI := $(BIN)/coprod-kg

.DEFAULT_GOAL := help
.PHONY: help install run test lint bench system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

install: $(STAMP) ## create .venv and install coprod-kg with its test extras

run: install ## validate the bundled graph, answer the headline questions, export to build/
	$(CLI) validate
	mkdir -p build

system-deps: ## install the Debian packages the tests need, when missing
	@missing=""; \
	command -v rapper >/dev/null 2>&1 || missing="$$missing raptor2-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: install system-deps ## run the test suite
	$(BIN)/python -m pytest -q

lint: install ## ruff over the code and tests
	$(BIN)/ruff check src tests

bench: install ## run the benchmarks and write benchmarks/results.md
	@echo "no benchmark yet"

clean: ## remove build outputs (keeps .venv)
	rm -rf build .pytest_cache
