# Spaning – the two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# pyproject.toml keeps the ranges; this file pins the versions every install uses (`make lock`).
CONSTRAINTS := requirements/constraints.txt
# A stamp per dependency set: a second `make run` does not reinstall unless pyproject.toml or
# the constraints changed.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# pytest-xdist processes for `make test`; `auto` is one per core. PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= auto
# loadgroup: tests/services/ all run in one process, so its Celery worker starts once (see
# tests/conftest.py); everything else is spread over all of them.
PYTEST_XDIST := -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: run test test-fast install install-dev migrate demo messages lint typecheck lock \
	pre-commit bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Spaning needs Python 3.11 or newer as $(PYTHON) (make PYTHON=python3.11 …)."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
		{ echo "$(PYTHON) cannot create a virtualenv. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	DEMO_FEEDS_BASE_URL="$${DEMO_FEEDS_BASE_URL:-http://127.0.0.1:$(PORT)/static/demo-feeds/}" \
		$(BIN)/python manage.py seed_demo

# A Celery worker with beat runs beside the server and stops with it, so feeds are polled on
# schedule as in production. With REDIS_URL set it uses that broker; without, a folder shared by
# the server and the worker (kombu's filesystem transport), so nothing else is needed. The demo's
# feeds are the bundled sample files, served by this same server: its own address is the one
# private address fetches may reach here.
BROKER_DIR := $(VENV)/celery-broker
run: demo
	@echo ""
	@echo "  Spaning is running on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@if [ -n "$$REDIS_URL" ]; then echo "  Celery worker and beat: on, broker $$REDIS_URL"; \
		else echo "  Celery worker and beat: on, broker folder $(BROKER_DIR)"; fi
	@echo ""
	@export FETCH_ALLOW_PRIVATE_HOSTS="$${FETCH_ALLOW_PRIVATE_HOSTS:-127.0.0.1:$(PORT)}"; \
	if [ -z "$$REDIS_URL" ]; then export CELERY_BROKER_DIR="$(CURDIR)/$(BROKER_DIR)"; fi; \
	$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2 \
		--schedule=$(VENV)/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The quick loop: everything but the browser tier.
test-fast: install-dev
	$(BIN)/python -m pytest $(PYTEST_XDIST) -m "not browser" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# mypy over the service and selector layers (the files are listed in pyproject.toml).
typecheck: install-dev
	$(BIN)/mypy

# Re-resolve the dev dependencies from pyproject.toml's ranges in a throwaway virtualenv and pin
# the result in $(CONSTRAINTS). Commit the file; the next `make install(-dev)` applies it.
LOCK_VENV := $(VENV)-lock
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/pip install --quiet -e ".[dev]"
	mkdir -p $(dir $(CONSTRAINTS))
	{ echo "# Every dependency pinned, dev tools included. Written by \`make lock\` (edit the ranges in"; \
	  echo "# pyproject.toml, not this file); \`make install\` and \`make install-dev\` apply it with pip -c."; \
	  echo "# Resolved with $$($(LOCK_VENV)/bin/python -V)."; \
	  $(LOCK_VENV)/bin/pip freeze --exclude-editable; } > $(CONSTRAINTS)
	rm -rf $(LOCK_VENV)
	@echo "Wrote $(CONSTRAINTS); run make install-dev to apply it."

# Install the git hook: ruff check, ruff format and mypy before every commit
# (.pre-commit-config.yaml: local hooks on the .venv's tools, so nothing is downloaded).
pre-commit: install-dev
	$(BIN)/pre-commit install

# Re-extract translatable strings (then translate locale/*/LC_MESSAGES/django.po) and compile.
messages: install-dev
	$(BIN)/python manage.py makemessages -l sv -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Every benchmark in bench/ in turn, each printing its figure on its last line; DATABASE_URL
# (PostgreSQL) or nothing (SQLite) as in the tests. bench/poll.py also needs REDIS_URL (its polls
# go through the broker to a real worker) and says so without it. One that fails does not stop
# the others; the run fails at the end, naming it.
bench: install-dev
	@failed=""; for b in bench/[!_]*.py; do \
		echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "Failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) $(VENV)-lock staticfiles .pytest_cache .mypy_cache
