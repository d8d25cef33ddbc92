# The two commands: `make run` and `make test`. Each builds its own virtual environment.
# Everything is installed from the hash-checked locks (requirements*.lock); `make lock` refreshes them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: run test lint typecheck unit clean lock

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m bot.texts.sync --compile  # translations: bot/locale/*/LC_MESSAGES/b12bot.po -> .mo
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(BIN)/b12bot db upgrade; fi
	$(BIN)/b12bot start

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# tests run on every core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process
PYTEST_WORKERS ?= auto
unit: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test: lint typecheck unit

# Refresh the locks after changing dependencies in pyproject.toml (needs PyPI): runtime (the image installs
# it) and runtime + dev (make installs it), both with hashes; the dev lock is constrained by the runtime one.
LOCK_VENV := .venv-lock
UV_COMPILE = $(LOCK_VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet uv
	$(UV_COMPILE) pyproject.toml deploy/build-requirements.in -o requirements.lock
	$(UV_COMPILE) pyproject.toml deploy/build-requirements.in --extra dev -c requirements.lock -o requirements-dev.lock
	rm -rf $(LOCK_VENV)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache
