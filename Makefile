# CheckApp: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app checkapp
TRANSLATIONS := checkapp/translations
INSTALLED := $(VENV)/.installed

.PHONY: run test lint install i18n translations migrate demo clean

run: install instance/secret_key
	@SECRET_KEY=$$(cat instance/secret_key) $(FLASK) db upgrade
	@SECRET_KEY=$$(cat instance/secret_key) $(FLASK) demo
	@echo "CheckApp is at http://127.0.0.1:5000 (Ctrl+C to stop)"
	@SECRET_KEY=$$(cat instance/secret_key) $(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --access-logfile - "checkapp:create_app()"

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .

install: $(INSTALLED) translations

$(INSTALLED): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations:
	@$(BIN)/pybabel compile --use-fuzzy -q -d $(TRANSLATIONS) 2>/dev/null || $(BIN)/pybabel compile -d $(TRANSLATIONS)

# For developers: collect new strings into both catalogs (no fuzzy guesses), then compile.
i18n: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/fr_typography.py $(TRANSLATIONS)/fr/LC_MESSAGES/messages.po
	@# No creation date in the catalogs: it changes on every run and makes parallel branches conflict.
	sed -i '/^"POT-Creation-Date:/d' $(TRANSLATIONS)/*/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

instance/secret_key:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	@chmod 600 $@

clean:
	rm -rf $(VENV) *.egg-info
