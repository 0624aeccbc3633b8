# Earthmover Flux for QGIS - everything a developer or CI needs, from a fresh Debian/Ubuntu machine.
#   make demo   sample data + local Flux server + QGIS with the plugin (headless: writes a map image)
#   make test   lint + the whole suite on QGIS 3.22 (host) and QGIS 3.40 (Debian 13 chroot)
SHELL := /bin/bash
PLUGIN := earthmover_flux
QGIS_PYTHON := /usr/bin/python3
VENV := .venv-qgis
SERVER_VENV := .venv-server
PY := $(VENV)/bin/python
SERVER_PY := $(SERVER_VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CACHE_DIR ?= $(HOME)/.cache/earthmover-flux-dev
DATA_DIR ?= $(CACHE_DIR)/data
export FLUX_DATA_DIR ?= $(DATA_DIR)
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
# what the plugin zip holds: the plugin's own files only (no tests, server, benchmarks, caches)
PACKAGE_FILES := __init__.py plugin.py api.py metadata.txt resources.qrc LICENSE README.md icons core flux_qgis ui processing i18n
PYTEST_ARGS ?=

.PHONY: deps qgis venvs serve demo test test-qgis322 test-qgis340 lint package deploy clean translations bench

deps: qgis venvs

qgis:
	@if $(QGIS_PYTHON) -c "import qgis.core" 2>/dev/null && command -v xvfb-run >/dev/null && command -v convert >/dev/null; then \
	  echo "QGIS present: $$($(QGIS_PYTHON) -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)')"; \
	else \
	  echo "Installing QGIS and tools from apt"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    qgis python3-qgis qgis-providers python3-venv xvfb xauth imagemagick zip unzip curl debootstrap >/dev/null; \
	fi

venvs: $(VENV)/.ok $(SERVER_VENV)/.ok

$(VENV)/.ok: tests/requirements.txt
	$(QGIS_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt
	touch $@

$(SERVER_VENV)/.ok: flux_server/requirements.txt
	$$(scripts/find_server_python.sh) -m venv $(SERVER_VENV)
	$(SERVER_PY) -m pip install -q --disable-pip-version-check -r flux_server/requirements.txt
	touch $@

serve: deps
	$(SERVER_PY) -m flux_server.build_data $(DATA_DIR)
	$(SERVER_PY) -m flux_server --data $(DATA_DIR) --port $${PORT:-8765}

demo: deps
	scripts/demo.sh

lint: $(VENV)/.ok
	$(VENV)/bin/ruff check .

test: deps lint test-qgis322 test-qgis340
	@echo "All QGIS versions passed: see the 'QGIS x.y: N passed' lines above."

test-qgis322: deps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

test-qgis340: deps
	scripts/test_qgis340.sh $(PYTEST_ARGS)

package: $(PLUGIN).zip

$(PLUGIN).zip: $(shell git ls-files $(PACKAGE_FILES) 2>/dev/null)
	rm -rf build/package && mkdir -p build/package/$(PLUGIN)
	git ls-files $(PACKAGE_FILES) | xargs -I{} cp --parents {} build/package/$(PLUGIN)/
	cd build/package && rm -f ../../$@ && zip -q -r ../../$@ $(PLUGIN)
	@echo "built $@ (version $(VERSION))"

deploy: package
	@dest="$${QGIS_PROFILE_DIR:-$(HOME)/.local/share/QGIS/QGIS3/profiles/default}/python/plugins"; \
	mkdir -p "$$dest" && rm -rf "$$dest/$(PLUGIN)" && unzip -q -o $(PLUGIN).zip -d "$$dest" && \
	echo "installed into $$dest/$(PLUGIN): enable it in Plugins > Manage and Install Plugins"

clean:
	rm -rf build $(PLUGIN).zip tests/artifacts .pytest_cache .ruff_cache
