# Two commands for a newcomer: `make demo` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

# `make eval`: the extractor scored on the shared corpus (../shared/corpus), per folder.
.PHONY: install demo test bench lint eval system-test-deps test-assets clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# System packages used only by the tests: Debian's chromium for the HTML map test.
system-test-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    ($$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install chromium; the browser test will be skipped"; }

# Leaflet for the browser test, the version folium references, from the npm registry
# (cached in tests/.assets/, git-ignored; the test skips when it cannot be fetched).
test-assets: install
	@mkdir -p tests/.assets
	@V=$$($(BIN)/python -c "from tracker.export import leaflet_version; print(leaflet_version())"); \
	  test -f tests/.assets/leaflet-$$V.tgz || \
	  (command -v npm >/dev/null 2>&1 && npm pack --silent leaflet@$$V --pack-destination tests/.assets >/dev/null) || \
	  echo "warning: could not fetch leaflet@$$V with npm; the browser test will be skipped"

demo: install
	$(BIN)/python -m tracker.demo --out outputs

test: install system-test-deps test-assets
	$(BIN)/python -m pytest -n 2 -q

eval: install
	$(BIN)/tracker evaluate $(SHARED)/corpus --summary

bench: install
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check tracker tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
