# Spaning – the two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A stamp per dependency set: a second `make run` does not reinstall unless pyproject.toml changed.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test install install-dev migrate demo messages lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Spaning needs Python 3.11 or newer as $(PYTHON) (make PYTHON=python3.11 …)."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
		{ echo "$(PYTHON) cannot create a virtualenv. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# With REDIS_URL set, tasks go to a real Celery worker (with beat) started beside the server
# and stopped with it; without it they run in-process and nothing else is needed.
run: demo
	@echo ""
	@echo "  Spaning is running on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@if [ -n "$$REDIS_URL" ]; then echo "  Celery worker and beat: on, broker $$REDIS_URL"; fi
	@echo ""
	@if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2 \
			--schedule=$(VENV)/celerybeat-schedule & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-extract translatable strings (then translate locale/*/LC_MESSAGES/django.po) and compile.
messages: install-dev
	$(BIN)/python manage.py makemessages -l sv -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install-dev
	for b in bench/*.py; do [ -e "$$b" ] || continue; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
