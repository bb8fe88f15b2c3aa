# readiness: two commands for a newcomer.
#   make run    set everything up, load demo data, serve http://127.0.0.1:5000
#   make test   set everything up and run all the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
#: Every package's version, as CI last passed with it (make lock refreshes it).
LOCK   := requirements.lock
FLASK  := $(BIN)/flask --app readiness

.PHONY: run test setup system lint bench check schema clean worker translations serve load audit lock

run: setup
	$(FLASK) check
	$(FLASK) init-db
	$(FLASK) demo
	@echo "readiness is starting at http://127.0.0.1:5000 (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Tests run on every core (pytest-xdist); browser tests share one live server and stay on one
# worker. PYTEST_WORKERS=0 runs them in this process (easier to debug).
PYTEST_WORKERS ?= auto
test: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

setup: system $(STAMP)

system:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "readiness needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	@scripts/check-system.sh

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || \
		{ echo "Python's venv module is missing (Debian: apt-get install python3-venv)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade -c $(LOCK) pip
	$(BIN)/pip install --quiet -c $(LOCK) -e ".[dev]"
	$(BIN)/python scripts/check_weasyprint.py
	@touch $(STAMP)

# Production mode: migrate, then gunicorn (set READINESS_SECRET_KEY, READINESS_TRUSTED_HOSTS
# and DATABASE_URL first; docs/deploy.md). READINESS_BIND (127.0.0.1:8000) and READINESS_WORKERS override the defaults.
serve: setup
	@test -n "$$READINESS_SECRET_KEY" || { echo "Set READINESS_SECRET_KEY (32+ random characters) for production." >&2; exit 1; }
	@test -n "$$READINESS_TRUSTED_HOSTS" || { echo "Set READINESS_TRUSTED_HOSTS to the host name(s) people use (invitation links use the first), or * for any host." >&2; exit 1; }
	READINESS_ENV=production $(FLASK) init-db
	READINESS_ENV=production $(BIN)/gunicorn -c python:readiness.gunicorn_conf readiness.wsgi:app

# A background worker for bulk reports when REDIS_URL is set (run as many as you like).
worker: setup
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (for example redis://127.0.0.1:6379/0)." >&2; exit 1; }
	$(BIN)/rq worker --url "$$REDIS_URL" --worker-class rq.worker.SimpleWorker "$${READINESS_JOB_QUEUE:-readiness}"

# Style (ruff), the layers (import-linter contracts in pyproject.toml) and the types (mypy).
lint: setup
	$(BIN)/ruff check readiness tests bench scripts
	$(BIN)/ruff format --check readiness tests bench scripts
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# After changing UI text: collect the messages, merge them into each locale's catalogue
# (new ones appear untranslated, and the test suite says which), and compile.
CATALOGUES := readiness/translations
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--project readiness --copyright-holder "the readiness team" -o $(CATALOGUES)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-fuzzy-matching \
		--ignore-obsolete --width 100
	$(BIN)/pybabel compile -d $(CATALOGUES) --statistics

# The load test against gunicorn + PostgreSQL + Redis on this machine (docs/benchmarks.md).
# LOAD_ARGS passes options, e.g. LOAD_ARGS="--kill-worker-at 20" or "--restart-postgres-at 20".
load: setup
	$(BIN)/pip install --quiet -c $(LOCK) -e ".[load]"
	$(BIN)/python bench/load.py $(LOAD_ARGS)

# Known vulnerabilities in the installed packages (pip-audit); says so when it cannot check.
audit: setup
	$(BIN)/python scripts/audit.py

check: setup
	$(FLASK) check

schema: setup
	$(FLASK) export-schema

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/bulk.py

# Resolve every dependency in pyproject.toml again, to the newest versions it allows, into
# requirements.lock (uv, for every platform). Run the tests, then commit the lock.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra load --universal \
		--python-version 3.11 --upgrade --quiet -o $(LOCK)
	@echo "$(LOCK) refreshed: make test, then commit it"

clean:
	rm -rf $(VENV) instance .pytest_cache
