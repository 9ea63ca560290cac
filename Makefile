# Two commands: `make run` serves the site, `make test` runs the suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test install install-test lock lint format bench e2e clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Dependencies are declared in pyproject.toml and locked, with their hashes, in requirements.lock
# (the site) and requirements-test.lock (the site and the test tools); `make lock` writes both
# again after a change to pyproject.toml. The project itself is not a package to build.
PIP_LOCKED := $(PIP) --require-hashes --no-deps

# `make run` installs what the site needs, nothing more.
$(VENV)/.installed: requirements.lock | $(BIN)/activate
	$(PIP_LOCKED) -r requirements.lock
	touch $@

# `make test` adds the test tools: pytest and its plugins, Playwright's Python driver, ruff.
$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(PIP_LOCKED) -r requirements-test.lock
	touch $@

LOCK := $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: | $(BIN)/activate
	$(PIP) pip-tools
	$(LOCK) -o requirements.lock pyproject.toml
	$(LOCK) --extra test -o requirements-test.lock pyproject.toml

# axe-core (npm registry) powers the accessibility checks of the browser journeys; without npm
# those journeys still check labels, headings and the page language themselves.
AXE := $(VENV)/npm/node_modules/axe-core/axe.min.js
$(AXE): | $(BIN)/activate
	-command -v npm >/dev/null && npm install --prefix $(VENV)/npm axe-core@4.14.1 --no-audit --no-fund --silent

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test $(AXE)

# The first run writes a local .env (random SECRET_KEY, DEBUG=1, SITE_URL on PORT) so that
# `manage.py` commands work without extra variables; later runs move SITE_URL to PORT.
# Then the site and one background worker (e-mails, the demo's payment events, recurring
# jobs); Ctrl-C stops both.
run: install
	$(BIN)/python -m lumira.devenv $(PORT)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Both cores: each pytest-xdist worker has its own test database, live server and browser, and
# one that runs out of tests takes some of the other's (worksteal) rather than wait.
PYTEST_ARGS ?= -n 2 --dist worksteal
# Python's bytecode cache stays on for the suite, kept in .venv, whatever PYTHONDONTWRITEBYTECODE
# the shell sets: without it each worker compiles every module and rewrites every test
# module's assertions again when it starts.
PYTEST := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache $(BIN)/pytest
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(PYTEST) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The browser journeys alone, writing their screenshots at 1280 and 390 px to
# tests/e2e/screenshots/ (`make test` runs the same checks without the pictures).
e2e: install-test
	E2E_SCREENSHOTS=1 $(PYTEST) tests/e2e $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
