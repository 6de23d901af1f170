# coprod-kg: `make run` then `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CLI := $(BIN)/coprod-kg
PIP_FLAGS ?=
# What to type after `make run` (the README's quick start says the same; tests/cli checks both)
NEXT := . .venv/bin/activate && coprod-kg queries

.DEFAULT_GOAL := help
NODE_DIR := tests/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
.PHONY: help install run test lint bench system-deps node-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check $(PIP_FLAGS) -e '.[test]'
	touch $@

install: $(STAMP) ## create .venv and install coprod-kg with its test extras

run: install ## validate the bundled graph, answer the headline questions, export to build/
	$(CLI) validate
	@echo; echo "== The six principles of co-production, in the review's order"
	@$(CLI) query principles
	@echo; echo "== The case studies of the review"
	@$(CLI) query case-study-overview
	@echo; echo "== Outcomes that are a reduction of at least 25 per cent"
	@$(CLI) query outcomes-by-reduction -p minPercent=25
	@mkdir -p build
	$(CLI) export --format turtle -o build/coprod-kg.ttl
	$(CLI) export --format json-ld -o build/coprod-kg.jsonld
	$(CLI) site -o build/site
	$(CLI) map -o build/gap-map.svg
	@echo; echo "coprod-kg is installed in .venv/bin. Next, put it on your PATH and list the questions:"
	@echo; echo "    $(NEXT)"

system-deps: ## install the Debian packages the tests need, when missing
	@missing=""; \
	command -v rapper >/dev/null 2>&1 || missing="$$missing raptor2-utils"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2' || missing="$$missing libcairo2"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	test -x /usr/sbin/apache2 || missing="$$missing apache2"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json | system-deps
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: $(NODE_STAMP) ## install the JavaScript the browser tests inject (axe-core, pinned), with npm ci

# pytest-xdist: test files spread over TEST_WORKERS processes (module fixtures stay whole)
TEST_WORKERS ?= 2
test: install system-deps node-deps ## run the test suite (TEST_WORKERS=1: one process)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: install ## ruff over the code and tests
	$(BIN)/ruff check src tests

BENCH_SIZES ?= 10,1000,10000
BENCH_DISK_SIZE ?= 100000
BENCH_SHEET_ROWS ?= 10000
BENCH_PROCESS_RUNS ?= 11
BENCH_RATIO_SIZE ?= 10000
bench: install ## run the benchmarks, write benchmarks/results.md (BENCH_DISK_SIZE=0: skip 100,000)
	$(BIN)/python benchmarks/run.py --sizes $(BENCH_SIZES) --disk-size $(BENCH_DISK_SIZE) \
		--process-runs $(BENCH_PROCESS_RUNS)
	$(BIN)/python benchmarks/against_rdflib.py --size $(BENCH_RATIO_SIZE) \
		--markdown-out benchmarks/against-rdflib.md
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_sheets.py --rows $(BENCH_SHEET_ROWS)

clean: ## remove build outputs (keeps .venv)
	rm -rf build .pytest_cache
