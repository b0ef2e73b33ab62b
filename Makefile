# 规划督导平台 — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000
PYTEST_WORKERS ?= auto

.PHONY: run test smoke lint bench bench-public messages browser-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(PY)
	$(PIP) install --quiet -c constraints.txt -e ".[dev,prod]"
	touch $@

## run: virtualenv, install, migrate, translations, demo data; serve on http://$(HOST) (SQLite, eager Celery)
run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	-DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver $(HOST)

## test: the whole suite (lint, unit, HTTP, browser), in parallel
test: $(VENV)/.installed browser-deps
	$(VENV)/bin/ruff check .
	DEBUG=0 $(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## smoke: the documented production deployment (config/deploy/, README) started for real — DEBUG=0,
##        collectstatic, migrate, gunicorn, Celery worker and beat on Redis — and checked over HTTP
smoke: $(VENV)/.installed
	$(PY) scripts/smoke.py

## bench: benchmarks that print figures (not timed tests)
bench: $(VENV)/.installed
	$(PY) bench/sweep.py
	$(PY) bench/report.py
	$(PY) bench/province.py
	$(PY) bench/province_report.py
	$(PY) bench/exports.py
	$(PY) bench/pages.py
	$(PY) bench/load.py
	$(PY) bench/public.py

## bench-public: the public progress page from the cache under load (gunicorn, wrk if installed, 200 req/s paced)
bench-public: $(VENV)/.installed
	$(PY) bench/public.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

## messages: refresh the zh-hans and en catalogues after changing user-facing strings (English
##           translates to itself: empty en entries are filled), then compile them; translate what
##           is new or fuzzy in zh_Hans (tests/test_catalogues.py fails on empty or fuzzy entries)
messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --no-obsolete
	$(PY) scripts/fill_en_catalogue.py locale/en/LC_MESSAGES/django.po
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

## browser-deps: Debian's Chromium for the Playwright tests, a TrueType CJK font for the PDFs and
##               poppler-utils to render them as PNG (installed when missing and we may)
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f $(CJK_FONT) ] || [ ! -x /usr/bin/pdftoppm ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian chromium, fonts-wqy-zenhei and poppler-utils for the tests…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei poppler-utils >/dev/null; \
		else \
			echo "The tests need /usr/bin/chromium, $(CJK_FONT) and pdftoppm: sudo apt-get install -y chromium fonts-wqy-zenhei poppler-utils"; exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
