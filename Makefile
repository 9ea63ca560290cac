# Two commands: `make run` serves the site, `make test` runs the suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test install install-test lint format bench e2e clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The dependencies listed in pyproject.toml, installed as such: the project itself is not a
# package to build (building it, even editable, first installs setuptools in a throwaway
# environment, seconds of a newcomer's first minute).
REQUIREMENTS = $(BIN)/python -c "import sys, tomllib; project = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(project['dependencies'] + [d for extra in sys.argv[1:] for d in project['optional-dependencies'][extra]]))"

# `make run` installs what the site needs, nothing more.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(REQUIREMENTS) > $(VENV)/requirements.txt
	$(PIP) -r $(VENV)/requirements.txt
	touch $@

# `make test` adds the test tools: pytest and its plugins, Playwright's Python driver, ruff.
$(VENV)/.installed-test: $(VENV)/.installed
	$(REQUIREMENTS) test > $(VENV)/requirements-test.txt
	$(PIP) -r $(VENV)/requirements-test.txt
	touch $@

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

# Both cores: each pytest-xdist worker has its own test database, live server and browser.
PYTEST_ARGS ?= -n 2
test: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The browser journeys alone, writing their screenshots at 1280 and 390 px to
# tests/e2e/screenshots/ (`make test` runs the same checks without the pictures).
e2e: install-test
	E2E_SCREENSHOTS=1 $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
