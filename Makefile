# Pariter: two commands for a newcomer.
#   make run    serve the demo on http://127.0.0.1:8000 (SQLite, demo data, task worker)
#   make test   the whole suite
.DEFAULT_GOAL := help
SHELL := /bin/bash

PY := $(shell scripts/find-python)
ifeq ($(PY),)
$(error No Python 3.12 or later found: see the message above)
endif

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PY)
TOOLS := .tools/venv
UV := $(TOOLS)/bin/uv
VENV := .venv
MANAGE := $(VENV)/bin/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

help: ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@echo "→ installing uv into $(TOOLS) with $(PY)"
	@$(PY) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	@echo "→ creating the environment from uv.lock"
	@$(UV) sync --frozen --quiet
	@touch $@

setup: $(VENV)/.synced ## create the environment (uv, from uv.lock)

db: setup ## migrate the database and load reference and demo data
	@mkdir -p var/static
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) load_reference_data
	@$(MANAGE) seed_directory
	@$(MANAGE) seed_demo
	@$(MANAGE) registry_demo --from-directory --seed 1
	@if $(MANAGE) shell -v 0 -c "import sys; from pariter.registry.models import Entity; \
	  sys.exit(Entity.objects.exclude(organisation__source='5x1000_2022').exists())"; then \
	  $(MANAGE) registry_demo --entities 300 --seed 2; fi
	@$(MANAGE) registry_export
	@$(MANAGE) filings_demo
	@$(MANAGE) training_demo
	@$(MANAGE) website_demo

run: db ## serve the demo with a task worker on http://127.0.0.1:8000
	@echo "→ serving on http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@$(MANAGE) db_worker --interval 1 & worker=$$!; \
	 trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	 $(MANAGE) runserver $(HOST):$(PORT)

serve: db ## production-like: gunicorn + whitenoise, DEBUG off
	@test -f var/secret_key || $(VENV)/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@test -f var/field_key || $(VENV)/bin/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > var/field_key
	@export DEBUG=0 SECRET_KEY="$$(cat var/secret_key)" FIELD_ENCRYPTION_KEYS="$$(cat var/field_key)" \
	        SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0; \
	 $(MANAGE) collectstatic --noinput -v 0 && \
	 { $(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	   $(VENV)/bin/gunicorn pariter.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -; }

PYTEST_ARGS ?= -n auto
test: setup ## run the whole suite (set DATABASE_URL for PostgreSQL)
	@$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: setup ## ruff (with the Django rules) and mypy (with django-stubs)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy pariter
	@$(MANAGE) makemigrations --check --dry-run -v 0 || { echo "Missing migrations: run manage.py makemigrations"; exit 1; }

messages: setup ## refresh the Italian translation catalogue and compile it
	@cd pariter && ../$(VENV)/bin/python ../manage.py makemessages -l it -l en --no-obsolete -i 'static/*'
	@cd pariter && ../$(VENV)/bin/python ../manage.py compilemessages -l it -l en

bench: db ## run the benchmarks under bench/ and print their figures
	@$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

clean: ## remove the environment and local data
	rm -rf $(VENV) $(TOOLS) var

.PHONY: help setup db run serve test lint messages bench clean
