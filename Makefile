# Two commands matter: `make run` (serve the demo site) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)

.PHONY: install run test lint worker migrate demo bench clean

install: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

migrate: install
	@$(PY) manage.py migrate --noinput || { echo "migrate failed: a var/ database made before the per-app migrations (Dec 2026) cannot be upgraded; remove var/ and run again" >&2; exit 1; }

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runsite --port $(PORT)

worker: install
	$(VENV)/bin/celery -A config worker -B --loglevel INFO

lint: install
	$(VENV)/bin/ruff check .

test: install
	$(VENV)/bin/ruff check .
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	DJANGO_ENV=test $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: demo
	$(PY) -m bench

clean:
	rm -rf $(VENV) var staticfiles
