# CheckApp: `make run` to try it, `make test` to check it.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app checkapp
TRANSLATIONS := checkapp/translations
INSTALLED := $(VENV)/.installed

.PHONY: run test lint install i18n translations migrate demo clean

# The first screen says where the app is, the logins and where emails go; the migration's log is
# shown only if it fails, gunicorn says only warnings (once, from its master) and each request.
run: install instance/secret_key
	@SECRET_KEY=$$(cat instance/secret_key) $(FLASK) db upgrade > instance/upgrade.log 2>&1 \
		|| { cat instance/upgrade.log; exit 1; }
	@SECRET_KEY=$$(cat instance/secret_key) $(FLASK) demo
	@echo "CheckApp is at http://127.0.0.1:$(PORT), with its job worker and its inbox (SMTP on $${CHECKAPP_INBOX_BIND:-127.0.0.1:2525})."
	@echo "Ctrl+C stops all three."
	@SECRET_KEY=$$(cat instance/secret_key) CHECKAPP_INBOX_DOMAIN=$${CHECKAPP_INBOX_DOMAIN:-localhost} \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .

install: $(INSTALLED) translations

# -qq: the editable install's setuptools warning box is for packagers, not for someone trying the app.
$(INSTALLED): pyproject.toml
	@echo "Installing CheckApp and its tools into $(VENV) (the first time takes a minute or two)..."
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -qq --upgrade pip
	@$(BIN)/pip install -qq -e '.[dev]'
	@touch $@

translations:
	@$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

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
