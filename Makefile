# Two commands for a newcomer: `make demo` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: install demo test bench lint system-test-deps clean

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

demo: install
	$(BIN)/python -m tracker.demo --out outputs

test: install system-test-deps
	$(BIN)/python -m pytest -n 2 -q

bench: install
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check tracker tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
