# Kemitraan Bidan–Dukun — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium gettext poppler-utils
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is the zero-setup demo: SQLite, eager tasks, DEBUG on.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run test test-jam deps system-deps venv messages lint check clean bench bench-quick

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing — install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

messages: venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0

deps: system-deps venv messages

run: deps
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py load_wilayah --provinsi 15
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Kemitraan Bidan–Dukun berjalan di http://$(HOST):$(PORT)  (Ctrl+C untuk berhenti)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Tests run on pytest-xdist workers (one database each); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

test: deps
	$(PY) -m pytest -n $(TEST_WORKERS)

# The clock sweep (README "Tests and CI"): the date-sensitive tests at five instants around a year end. Left
# out: what reads no calendar (infrastructure: config, outbox, backups; the benchmark, the scale generator, the
# region loader, the NIK-log subprocess runs) and the access matrix's role refusals (its GETs of every page stay).
JAM_TESTS ?= --ignore=config --ignore=outbox --ignore=cadangan --ignore=skala --ignore=bench \
	--ignore=puskesmas/tests/test_load_wilayah.py --ignore=audit/tests/test_log_nik.py \
	--deselect "puskesmas/tests/test_matriks_akses.py::test_post[" \
	--deselect "puskesmas/tests/test_matriks_akses.py::test_admin_hanya_untuk_staf["

test-jam: deps
	$(PY) scripts/sapu_jam.py -- -n $(TEST_WORKERS) $(JAM_TESTS)

# Benchmark (issue 7; see README "Benchmark"). Full: on BENCH_DATABASE_URL (name must contain bench or skala;
# generated at SCALE when empty), writes bench/results.json. Quick: a throwaway database, CI-sized.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kemitraan_bench
SCALE ?= 1

bench: deps
	$(PY) bench/run.py --database-url "$(BENCH_DATABASE_URL)" --scale $(SCALE)

bench-quick: deps
	$(PY) bench/run.py --quick

lint: venv
	$(VENV)/bin/ruff check .

check: venv
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3
