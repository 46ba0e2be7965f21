# gongshu — make run | make test | make bench | make lint
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test bench lint fix db-upgrade db-revision demo serve browser sandbox-deps clean docs

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.0

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lint,spark]'
	@touch $@

run: $(STAMP) sandbox-deps
	$(BIN)/gongshu db upgrade
	$(BIN)/gongshu demo
	$(BIN)/gongshu classify rescan --outdated
	$(BIN)/gongshu serve

browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  echo "installing Debian chromium and CJK fonts for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# bubblewrap isolates Python jobs (run and test); a Java runtime runs Apache Spark (tests, Spark resources)
sandbox-deps:
	@command -v bwrap >/dev/null 2>&1 || { \
	  echo "installing Debian bubblewrap for the Python job sandbox"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null; }
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for Apache Spark"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

test: $(TEST_STAMP) browser sandbox-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup

$(BENCH_STAMP): pyproject.toml $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lint,bench]'
	@touch $@

bench: $(BENCH_STAMP)
	-$(MAKE) --no-print-directory -f bench/peers/peers.mk peers
	$(BIN)/python -m bench.run

lint: $(TEST_STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

fix: $(TEST_STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

db-upgrade: $(STAMP)
	$(BIN)/gongshu db upgrade

db-revision: $(STAMP)
	$(BIN)/python -c "import sys; from gongshu.migrate import revision; from gongshu.config import Settings; revision(Settings().db_url, sys.argv[1])" "$(m)"

clean:
	rm -rf $(VENV) .gongshu .pytest_cache .mypy_cache .ruff_cache .hypothesis

docs: $(STAMP)
	$(BIN)/python -m gongshu.refdocs
