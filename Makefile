# Haven: `make run` serves the site with demo data; `make test` runs every check.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PYTHON := $(VENV)/bin/python
HAVEN := $(VENV)/bin/haven
PYTEST := $(VENV)/bin/pytest
RUFF := $(VENV)/bin/ruff
MYPY := $(VENV)/bin/mypy
# The pure libraries mypy checks. haven.policy joins them once its type errors are fixed.
TYPED := src/haven/ledger src/haven/privacy src/haven/policy
# The PostgreSQL suite's database; pytest-django creates and drops test_haven beside it.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/haven
PORT ?= 8000

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

.PHONY: install
install: $(VENV)/.installed node_modules/.installed pdf ## install Python and front-end packages (idempotent)

$(VENV)/.installed: pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: browser
browser: ## Debian's Chromium for the browser tests (installed with apt-get when run as root)
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Chromium is missing: 'sudo apt-get install chromium' enables the browser tests."; \
		fi; }

.PHONY: pdf
pdf: ## Debian's Pango, which weasyprint needs for the gateway's PDF packages (apt-get when run as root)
	@/sbin/ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; \
		else \
			echo "Pango is missing: 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' enables PDF packages."; \
		fi; }

.PHONY: gettext
gettext: ## GNU gettext for `make messages` (installed with apt-get when run as root)
	@command -v xgettext >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
		else \
			echo "gettext is missing: 'sudo apt-get install gettext' enables make messages."; exit 1; \
		fi; }

# The portal's strings only: staff pages, and for now the public oversight pages
# (transparency, statistics), stay in English (docs/translations.md).
MESSAGES_IGNORE := accounts reporting ledger oversight sharing scheduling benchpeer api apitokens isolation governance transparency statistics subjectaccess settings static locale node_modules
.PHONY: messages
messages: install gettext ## extract the portal's strings into the catalogues (src/haven/web/locale) and compile them
	$(PYTHON) -m haven.web.portal.policy_texts_build
	cd src/haven/web && DJANGO_SETTINGS_MODULE=haven.web.settings.test ../../../$(PYTHON) -P -m django makemessages \
		--no-obsolete --add-location=file $(foreach d,$(MESSAGES_IGNORE),--ignore=$(d)) \
		$(foreach l,cy pl ro ur ar bn,--locale=$(l))
	cd src/haven/web && DJANGO_SETTINGS_MODULE=haven.web.settings.test ../../../$(PYTHON) -P -m django compilemessages

.PHONY: run
run: install ## migrate, load demo data, print the demo logins and serve on http://127.0.0.1:8000 (another port: make run PORT=8001)
	$(HAVEN) demo
	$(HAVEN) serve --host 127.0.0.1 --port $(PORT)

.PHONY: lint
lint: install ## ruff, then mypy over the pure libraries
	$(RUFF) check .
	$(MYPY) $(TYPED)

.PHONY: test
test: install browser lint test-sqlite test-postgres ## lint, then the whole suite on SQLite (browser tests included) and the database suite on PostgreSQL

.PHONY: test-sqlite
test-sqlite: install ## every test, on SQLite
	$(PYTEST) -q -n auto

.PHONY: test-postgres
test-postgres: install ## the database tests (tests/web) on PostgreSQL; with CI=true an unreachable server fails
	@if $(PYTHON) -m haven.web.settings.postgres_probe "$(POSTGRES_URL)"; then \
		$(PYTHON) -m haven.web.isolation.roles "$(POSTGRES_URL)" && \
		DATABASE_URL="$(POSTGRES_URL)" $(PYTEST) -q -n auto tests/web; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(POSTGRES_URL) is unreachable, and CI=true requires the PostgreSQL suite: failing."; exit 1; \
	else \
		echo "Skipping the PostgreSQL suite: no PostgreSQL at $(POSTGRES_URL) (with CI=true this fails)."; \
	fi

.PHONY: bench
bench: install ## run the benchmarks in bench/ (JSON on stdout)
	@for script in bench/*.py; do echo "== $$script"; $(PYTHON) $$script; done

.PHONY: clean
clean: ## remove the local database, keys and caches under var/
	rm -rf var
