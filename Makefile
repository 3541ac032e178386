# One target per workflow. `make run` serves the site; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL run of the suite; `make test` uses it when the server answers.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hospital
# pytest-xdist workers: one per core of the 2-core machines this runs on (PYTEST_WORKERS=0: one process);
# tests marked with one xdist_group (a module's shared deployment) run on one worker.
PYTEST_WORKERS ?= 2

.PHONY: run setup install install-dev test test-sqlite test-postgres test-deep lint format check bench screenshots observatory export clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Migrate, load the content fixtures and collect static files (safe to repeat).
setup: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py loaddata fixtures/*.json
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0

## Serve the site with gunicorn at http://$(HOST):$(PORT) (DEBUG off, whitenoise for static files;
## threaded workers, since no proxy in front shields it from slow clients: gunicorn.conf.py).
run: setup
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	GUNICORN_WORKER_CLASS=gthread $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) hospital_site.wsgi

## Lint, Django's checks, then the whole suite on SQLite and (when it answers) PostgreSQL.
test: install-dev lint check test-sqlite test-postgres

check:
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djhtml --check templates/

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml templates/

test-sqlite:
	@[ -x /usr/bin/chromium ] || echo "NOTE: no Chromium at /usr/bin/chromium: the browser tests will be SKIPPED (apt-get install chromium fonts-noto-cjk)."
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-postgres:
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect('$(TEST_DATABASE_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "Running the suite again on PostgreSQL ($(TEST_DATABASE_URL))"; \
		DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and PostgreSQL does not answer at $(TEST_DATABASE_URL)"; exit 1; \
	else \
		echo "NOTE: PostgreSQL does not answer at $(TEST_DATABASE_URL): the PostgreSQL run was SKIPPED."; \
	fi

## The property test of pages (tests/pages/test_property_pages.py) with hundreds of examples, not the suite's few dozen.
test-deep: install-dev
	HYPOTHESIS_PROFILE=deep $(BIN)/pytest tests/pages/test_property_pages.py

## Throughput of pages against a static file of the same size (never part of `make test`).
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## Write the live content (admin edits included) back to fixtures/ for review: `git diff fixtures/`.
export: install
	$(BIN)/python manage.py export_content

## Screenshots of the overview and a department page for the README (Chromium, both languages).
screenshots: install-dev setup
	$(BIN)/python docs/make_screenshots.py

## Grade the production headers with Mozilla's HTTP Observatory (root: it binds ports 80 and 443).
observatory: setup
	$(BIN)/python bench/observatory.py

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache
