# Two commands: `make run` serves the site, `make test` runs the suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install lint format bench e2e clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# axe-core (npm registry) powers the accessibility checks of the browser journeys; without npm
# those journeys still check labels, headings and the page language themselves.
AXE := $(VENV)/npm/node_modules/axe-core/axe.min.js
$(AXE): | $(BIN)/activate
	-command -v npm >/dev/null && npm install --prefix $(VENV)/npm axe-core@4.14.1 --no-audit --no-fund --silent

install: $(VENV)/.installed $(AXE)

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
