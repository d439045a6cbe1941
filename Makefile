# Balise: `make serve` and `make test` do all the set-up on a machine with python3.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DATA   ?= data
PORT   ?= 8866
HUB_PORT ?= 8000
# PostgreSQL for the hub, the store and the gradebook (`make hub DB_URL=postgresql://...`).
DB_URL ?=
# nbgrader runs the `alembic` it finds on PATH: make it the venv's.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install install-test serve hub test bench lint clean frontend

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test node_modules/.installed

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# axe-core, which the browser tests inject into pages to check WCAG 2.1 A and AA;
# esbuild and the widgets' packages, for `make frontend`.
node_modules/.installed: package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# A module page's script and styles, from balise/web/frontend into balise/web/static
# (kept in git: `make serve` needs only python3; tests/balise/test_frontend.py checks
# that what is kept is the build of the sources).
frontend: node_modules/.installed
	npm run --silent frontend

serve: install
	$(BIN)/balise serve --data $(DATA) --port $(PORT)

# JupyterHub in front, Balise as its one shared service: see docs/deploy.md.
hub: install node_modules/.installed
	$(BIN)/balise hub --data $(DATA) --port $(HUB_PORT) $(if $(DB_URL),--db-url $(DB_URL))

test: install-test
	$(BIN)/python -m pytest --durations=25

bench: install-test
	@for script in $(filter-out benchmarks/serving.py,$(wildcard benchmarks/*.py)); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: install-test
	$(BIN)/ruff check balise widgets grading progress tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info node_modules
