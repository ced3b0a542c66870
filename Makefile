# Portail — the README names these targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install browser db demo welcome serve test lint format migrations-check check plugin-check clean

## make run: install, prepare the SQLite database with demo content, serve on localhost.
run: install db demo welcome serve

install: $(BIN)/.installed

# The plugin (editable) with the site's extras, at the site's exact versions.
$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[deploy,dev]"
	touch $@

db: install
	$(BIN)/python manage.py migrate --no-input

demo: install
	$(BIN)/python manage.py load_demo

# What a newcomer needs once the server starts; the links in emails follow HOST and PORT too.
welcome:
	@echo ""
	@echo "Le portail :          http://$(HOST):$(PORT)/"
	@echo "L'administration :    http://$(HOST):$(PORT)/admin/"
	@echo "Premier compte de l'équipe (dans un second terminal) :"
	@echo "  $(BIN)/python manage.py createsuperuser"
	@echo "Les courriels envoyés par le portail s'affichent dans ce terminal."
	@echo ""

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser journeys drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; }

## make test: the whole suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL).
test: install browser
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint migrations-check test

## make plugin-check: build the wheel, install it into a fresh `wagtail start` site, drive a journey.
plugin-check: install
	PYTHON=$(BIN)/python .ci/plugin-install

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 static media *.egg-info
