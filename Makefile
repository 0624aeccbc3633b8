# Earthmover Flux for QGIS - everything a developer or CI needs, from a fresh Debian/Ubuntu machine.
#   make demo   sample data + local Flux server + QGIS with the plugin (headless: writes a map image)
#   make test   lint + the whole suite on QGIS 3.22 (host), 3.40 (Debian 13 chroot) and 3.44 (Debian sid chroot)
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
# the plugin's Python files, for pylupdate5 and flake8-qgis (what the zip holds: scripts/package.py)
PLUGIN_PY := $(wildcard *.py core/*.py flux_qgis/*.py ui/*.py flux_processing/*.py)
# i18n/earthmover_flux_<locale>.ts for each; `make translations LOCALES="en de"` starts a German one
LOCALES ?= $(patsubst i18n/$(PLUGIN)_%.ts,%,$(wildcard i18n/$(PLUGIN)_*.ts))
LOCALES := $(sort en $(LOCALES))
PYTEST_ARGS ?=

.PHONY: deps qgis venvs serve demo test test-unit test-qgis322 test-qgis340 test-qgis344 lint package deploy clean translations bench e2e soak stress

deps: qgis venvs

qgis:
	@if $(QGIS_PYTHON) -c "import qgis.core" 2>/dev/null && command -v xvfb-run >/dev/null && command -v convert >/dev/null \
	    && command -v gdb >/dev/null \
	    && command -v pylupdate5 >/dev/null && command -v lrelease >/dev/null; then \
	  echo "QGIS present: $$($(QGIS_PYTHON) -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)')"; \
	else \
	  echo "Installing QGIS and tools from apt"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    qgis python3-qgis qgis-providers python3-venv xvfb xauth imagemagick zip unzip curl debootstrap gdb rsync \
	    pyqt5-dev-tools qttools5-dev-tools >/dev/null; \
	fi

venvs: $(VENV)/.ok $(SERVER_VENV)/.ok

# tests/requirements-lint.txt (flake8 + flake8-qgis) is apart: the QGIS 3.40 and 3.44 chroots install
# tests/requirements.txt (again whenever that list changes); lint runs on the host only
$(VENV)/.ok: tests/requirements.txt tests/requirements-lint.txt
	$(QGIS_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt -r tests/requirements-lint.txt
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

# ruff over everything; flake8-qgis (QGS1xx, rules and reasons in .flake8) over the plugin's own code
lint: $(VENV)/.ok
	$(VENV)/bin/ruff check .
	$(VENV)/bin/flake8 $(PLUGIN_PY)
	python3 scripts/check_layers.py
	python3 scripts/check_function_length.py

# the pure-Python core's tests (tests/unit): no QGIS, no server, seconds (--noconftest: tests/conftest.py starts QGIS)
test-unit: $(VENV)/.ok
	$(PY) -m pytest --noconftest -q -p no:cacheprovider tests/unit

test: deps lint test-unit test-qgis322 test-qgis340 test-qgis344
	@echo "All QGIS versions passed: see the 'QGIS x.y: N passed' lines above."

# a test over 300 s is hung: tests/watchdog.py writes every thread's Python and native stack and ends
# the run, which fails; scripts/hang_report.sh prints them. Nothing is run again.
test-qgis322: deps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS) || { scripts/hang_report.sh tests/artifacts; exit 1; }

# QGIS 3.40 and 3.44 from Debian chroots (scripts/qgis_chroot.sh builds each once, as root)
test-qgis340: deps
	scripts/test_qgis_chroot.sh 3.40 $(PYTEST_ARGS) || { scripts/hang_report.sh tests/artifacts/qgis340; exit 1; }

test-qgis344: deps
	scripts/test_qgis_chroot.sh 3.44 $(PYTEST_ARGS) || { scripts/hang_report.sh tests/artifacts/qgis344; exit 1; }

# tests/test_soak.py for 20 minutes on QGIS 3.22 (make test runs it for 120 s on each version):
# figures in tests/artifacts/soak.json
# (the hang watchdog and pytest's --timeout wait the soak's length and 5 minutes more: else they end
# it at 300 s and 600 s)
soak: deps
	soak=$${FLUX_SOAK_SECONDS:-1200}; FLUX_SOAK_SECONDS=$$soak FLUX_TEST_HANG_SECONDS=$$((soak + 300)) \
	  QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/test_soak.py --timeout=$$((soak + 300)) $(PYTEST_ARGS)

# the two stress tests of tests/test_network_threads.py 10 times in a row on each QGIS version, each in a
# fresh QGIS (STRESS_RUNS=N to change): every run's figures in tests/artifacts/stress-runs.txt
stress: deps
	scripts/stress_repeat.sh $${STRESS_RUNS:-10}

# a user's session end to end (tests/test_e2e.py, also part of `make test`): the zip in a fresh profile,
# the real qgis window under Xvfb driven through the dock by scripts/e2e_session.py, the local server;
# screenshots in tests/artifacts/e2e/ (FLUX_E2E_DOCS_DIR=docs refreshes the README's pictures)
e2e: deps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/test_e2e.py $(PYTEST_ARGS)

# the zip for 'Install from ZIP' and the plugin repository, made by pb_tool (Plugin Builder's tool,
# installed in the test venv) from pb_tool.cfg: it deploys the listed files into build/pb_tool and
# zips that folder. scripts/package.py is the reference list tests/test_package.py holds it to.
PB_TOOL = $(or $(shell command -v pb_tool 2>/dev/null),$(VENV)/bin/pb_tool)
package:
	@test -x "$(PB_TOOL)" || { echo "pb_tool is missing: make venvs (tests/requirements.txt) installs it"; exit 1; }
	rm -rf build/pb_tool $(PLUGIN).zip && mkdir -p build/pb_tool
	yes | $(PB_TOOL) zip --no-docs --plugin_path "$(CURDIR)/build/pb_tool" >/dev/null
	@echo "built $(PLUGIN).zip with pb_tool: version $(VERSION)"

# i18n/earthmover_flux_<locale>.ts from every tr() of the plugin (pylupdate5 keeps translations
# already made), then .qm for QGIS (lrelease); commit both: `make package` compiles nothing
translations:
	@command -v pylupdate5 >/dev/null && command -v lrelease >/dev/null || \
	  { echo "pylupdate5 and lrelease are needed: make qgis (apt: pyqt5-dev-tools qttools5-dev-tools)"; exit 1; }
	mkdir -p i18n
	PYTHONWARNINGS=ignore pylupdate5 -noobsolete $(PLUGIN_PY) -ts $(foreach l,$(LOCALES),i18n/$(PLUGIN)_$(l).ts)
	@for l in $(filter-out en,$(LOCALES)); do lrelease -silent i18n/$(PLUGIN)_$$l.ts -qm i18n/$(PLUGIN)_$$l.qm; done

# pb_tool deploy: the same files straight into a profile's plugins folder
deploy: $(VENV)/.ok
	$(PB_TOOL) deploy --no-docs --no-confirm \
	  --plugin_path "$${QGIS_PROFILE_DIR:-$(HOME)/.local/share/QGIS/QGIS3/profiles/default}/python/plugins"
	@echo "enable it in Plugins > Manage and Install Plugins"

clean:
	rm -rf build $(PLUGIN).zip tests/artifacts .pytest_cache .ruff_cache

# the benchmark suite (bench/, not shipped): plugin against its baselines on real QGIS and the local
# server; writes bench/results/latest.md and .json (about 5 minutes on 2 cores; no timing asserts)
bench: deps
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py $(BENCH_ARGS)
