# Two commands for a fresh machine with Python 3.11 (see README.md):
#   make site   create .venv if needed, install the pinned dependencies, build site/
#   make test   the whole test suite (model, generator, full build, browser)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test test-fast check serve schema clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Front-end files the site serves itself (plotly.js) and the font the link-preview
# images are drawn with, pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

site: $(VENV)/.installed node_modules/.installed
	$(PY) -m generator build

test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest

test-fast: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -m "not slow and not browser"

check: $(VENV)/.installed
	$(PY) -m generator check

serve: $(VENV)/.installed node_modules/.installed
	$(PY) -m generator serve

schema: $(VENV)/.installed
	$(PY) -m generator schema

clean:
	rm -rf site build .site-building .site-old
