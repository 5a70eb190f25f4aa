# Parcours — the front door. `make run` for the demo, `make test` for the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# make bench creates this database, measures, and drops it. BENCH_ARGS="--cases 50000" for a quick run.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/parcours_bench
BENCH_ARGS ?=
# make bench-queue: the queue page and claims at 10,000 then 1,000,000 cases (BENCH_ARGS="--volumes 10000" for a quick run).
BENCH_QUEUE_URL ?= postgres://postgres@127.0.0.1:5432/parcours_bench_queue
# make bench-cases: creating a case by the web form and by the API against a minimal view, in rounds taking turns (BENCH_ARGS="--rounds 1 --duration 5" for a quick run).
BENCH_CASES_URL ?= postgres://postgres@127.0.0.1:5432/parcours_bench_cases
# make bench-load: two app servers and two workers under locust, 100,000 cases, five minutes (BENCH_ARGS="--duration 30 --cases 5000" for a quick run).
BENCH_LOAD_URL ?= postgres://postgres@127.0.0.1:5432/parcours_load
# make prod: the production processes against this PostgreSQL database (docs/deploy.md).
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parcours
# make bench-dashboards: the managers' dashboard, the public results and the statistics jobs at 10,000 then 1,000,000 cases.
BENCH_DASHBOARDS_URL ?= postgres://postgres@127.0.0.1:5432/parcours_bench_dashboards
export DJANGO_SETTINGS_MODULE ?= parcours.settings.dev

.PHONY: help run install install-dev migrate demo demo-if-empty serve worker test test-pg test-sqlite test-midnight \
        quality fix audit postgres redis messages browser bench bench-queue bench-dashboards clean

help:
	@echo "make run     install, migrate, load the demo once, serve on http://127.0.0.1:$(PORT)"
	@echo "make test    install test dependencies and run the whole suite (PostgreSQL, then SQLite)"
	@echo "make demo    reset the embedded database and reload the demo data"
	@echo "make serve   serve the site and the background worker"
	@echo "make prod    production settings on PostgreSQL: gunicorn, the worker and the inbound SMTP daemon"
	@echo "make e2e     the end-to-end journeys in chromium (citizen, agent, manager, helper)"
	@echo "make test-midnight  the PostgreSQL suite with the clock at 23:20 UTC (dates in UTC vs Paris)"
	@echo "make audit   look for known vulnerabilities in the locked dependencies (pip-audit)"
	@echo "make fix     format and fix lint"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.installed: requirements/base.txt | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed messages

install-dev: $(VENV)/.installed-dev messages

# Compiled translations are build output: made from the .po files on install.
messages:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@cd parcours && ../$(BIN)/python ../manage.py compilemessages --locale en --verbosity 0

migrate: install
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py createcachetable

demo-if-empty: migrate
	$(BIN)/python manage.py load_demo --if-empty

demo: migrate
	$(BIN)/python manage.py load_demo --reset

serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py print_demo_logins --port $(PORT)
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py run_worker & \
	$(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT)

run: demo-if-empty serve

worker: install
	$(BIN)/python manage.py run_worker

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

# Redis, for the tests of sessions read through a shared cache (docs/scaling.md).
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "Redis did not start"; exit 1

browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: install-dev postgres redis browser
	$(MAKE) --no-print-directory audit AUDIT_UNREACHABLE=warn
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint parcours/templates --lint
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(PG_URL) $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=parcours.settings.prod SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=parcours.example.org \
	  DATABASE_URL=$(PG_URL) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(MAKE) --no-print-directory test-pg test-sqlite

test-pg:
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --create-db

test-sqlite:
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest -n 2 --create-db -m sqlite

bench: install-dev postgres
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/seed.py --replace $(BENCH_ARGS)

bench-queue: install-dev postgres
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(BENCH_QUEUE_URL) $(BIN)/python bench/queue_page.py --replace $(BENCH_ARGS)

.PHONY: bench-cases
bench-cases: install-dev postgres
	DATABASE_URL=$(BENCH_CASES_URL) $(BIN)/python bench/case_creation.py --replace $(BENCH_ARGS)

bench-dashboards: install-dev postgres
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(BENCH_DASHBOARDS_URL) $(BIN)/python bench/dashboards.py --replace $(BENCH_ARGS)

bench-load: install-dev postgres
	DATABASE_URL=$(BENCH_LOAD_URL) $(BIN)/python bench/load.py --replace $(BENCH_ARGS)

# The end-to-end journeys (also part of test-pg): the browser tests under tests/e2e.
e2e: install-dev postgres browser
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/e2e -n 0 --create-db

# The suite on PostgreSQL with the clock set back to the last 23:20 UTC (libfaketime;
# PostgreSQL keeps the real time, less than a day apart): already the next day in Paris,
# so a test that reads a date in UTC where the service reads it in the administration's
# time zone fails here rather than once a day in CI.
MIDNIGHT_OFFSET = $(BIN)/python -c "import time; print(f'-{(time.time() - 84000) % 86400:.0f}s')"
test-midnight: install-dev postgres redis browser
	@command -v faketime >/dev/null || (apt-get update -qq && apt-get install -y -qq faketime >/dev/null)
	DJANGO_SETTINGS_MODULE=parcours.settings.test DATABASE_URL=$(PG_URL) \
	  faketime -f "$$($(MIDNIGHT_OFFSET))" $(BIN)/pytest -n 2 --create-db $(TEST_ARGS)

# Production on this machine: collectstatic, migrate, then gunicorn, the worker and the
# inbound email daemon in the foreground; Ctrl+C stops all three (docs/deploy.md).
# SECRET_KEY, ALLOWED_HOSTS and the rest come from the environment; without SECRET_KEY
# one is made once and kept in var/prod-secret-key.
prod: install postgres
	@mkdir -p var
	@test -s var/prod-secret-key || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/prod-secret-key)
	@if [ -z "$$DATABASE_URL" ] && [ "$(PROD_DATABASE_URL)" = "postgres://postgres@127.0.0.1:5432/parcours" ]; then \
	  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'parcours'" | grep -q 1 || createdb -h 127.0.0.1 -U postgres parcours; fi
	DJANGO_SETTINGS_MODULE=parcours.settings.prod DATABASE_URL=$${DATABASE_URL:-$(PROD_DATABASE_URL)} \
	  SECRET_KEY=$${SECRET_KEY:-$$(cat var/prod-secret-key)} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  PARCOURS_INBOUND_DOMAINS=$${PARCOURS_INBOUND_DOMAINS:-localhost} BIN=$(BIN) deploy/run-prod.sh

.PHONY: prod e2e bench-load

# Known vulnerabilities of the locked dependencies (docs/security.md), from PyPI's
# advisory database. A vulnerability fails it; so does a service that cannot be reached,
# with a message, unless AUDIT_UNREACHABLE=warn (what make test passes, so that an
# offline machine still runs the suite, saying loudly that nothing was audited).
AUDIT_UNREACHABLE ?= fail
audit: install-dev
	@mkdir -p var
	@status=0; $(BIN)/pip-audit -r requirements/base.txt --progress-spinner off --strict --desc on \
	  > var/pip-audit.txt 2>&1 || status=$$?; \
	if [ $$status -ne 0 ] && grep -q "could not be audited" var/pip-audit.txt \
	  && ! grep -q "known vulnerabilit" var/pip-audit.txt; then \
	  grep -m 3 "could not be audited" var/pip-audit.txt; \
	  echo "make audit: the vulnerability service cannot be reached from this machine (see var/pip-audit.txt):"; \
	  echo "  the dependencies were NOT audited. Run 'make audit' where PyPI's JSON API is reachable."; \
	  [ "$(AUDIT_UNREACHABLE)" = warn ] && exit 0; exit 1; \
	fi; \
	cat var/pip-audit.txt; exit $$status

quality: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint parcours/templates --lint

fix: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/*.sqlite3* staticfiles
