# Two commands for a fresh machine with Python 3.11 (see README.md):
#   make site   create .venv if needed, install what the site needs, build site/
#   make test   the whole test suite (model, generator, full build, browser)
# `make site` installs only what the build needs (requirements.lock, npm's dependencies), so a
# first run does not wait for the test tools; `make test` adds them
# (requirements-test.lock, the npm devDependencies). Each install has its stamp file,
# so `make test` after `make site` installs only the rest.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test test-fast check serve schema clean

# --no-compile: pip would byte-compile every module of every package (plotly alone has
# thousands), the larger part of the install's time; Python compiles the modules a
# command imports when it first imports them. The commands run from this directory
# (`python -m generator`), so the site needs no install of the project itself.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --no-compile
# But the packages a build imports (the generator, the builder and its theme, Pagefind's
# wrapper) are compiled now: where Python may not write its cache (PYTHONDONTWRITEBYTECODE,
# set on some CI machines) every process of every build compiled them again, a second
# for the builder alone. A package missing here is only compiled at each import, as before.
BUILD_PACKAGES := PIL annotated_types babel click colorama jinja2 markdown markupsafe material \
	mkdocs pagefind pathspec properdocs pydantic pydantic_core pygments pymdownx \
	typing_extensions.py typing_inspection yaml yaml_env_tag
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.lock
	$(PY) -c 'import compileall, os, sys, sysconfig; \
	  paths = [os.path.join(sysconfig.get_path("purelib"), name) for name in sys.argv[1:]]; \
	  [compileall.compile_dir(p, quiet=2, workers=0) if os.path.isdir(p) else compileall.compile_file(p, quiet=2) \
	   for p in paths if os.path.exists(p)]' $(BUILD_PACKAGES)
	touch $@

# The test tools on top (requirements-test.lock starts with -r requirements.lock), and
# the project itself (editable): tests build copies of the project in other directories,
# whose hook imports `generator`.
$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml requirements-test.lock
	$(PIP_INSTALL) -r requirements-test.lock
	$(PIP_INSTALL) --no-deps -e .
	touch $@

# Front-end files the site serves itself (plotly.js) and the font the link-preview
# images are drawn with, pinned in package-lock.json; without the devDependencies,
# which only the tests use (vnu.jar, axe-core).
NPM_CI := npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
node_modules/.installed: package.json package-lock.json
	$(NPM_CI) --omit=dev
	touch $@

# Everything in package-lock.json. npm ci starts from an empty node_modules, which
# removes both stamps; the full install is also the site's.
node_modules/.installed-test: package.json package-lock.json
	$(NPM_CI)
	touch node_modules/.installed $@

site: $(VENV)/.installed node_modules/.installed
	$(PY) -m generator build

test: $(VENV)/.installed-test node_modules/.installed-test
	$(PY) -m pytest

test-fast: $(VENV)/.installed-test node_modules/.installed-test
	$(PY) -m pytest -m "not slow and not browser"

check: $(VENV)/.installed
	$(PY) -m generator check

serve: $(VENV)/.installed node_modules/.installed
	$(PY) -m generator serve

schema: $(VENV)/.installed
	$(PY) -m generator schema

clean:
	rm -rf site build .site-building .site-old
