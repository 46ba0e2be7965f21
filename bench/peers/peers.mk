# The peers of the sandbox benchmarks (bench/sandbox_peers.py), each in its own virtual environment:
#   make -f bench/peers/peers.mk peers      (or `include bench/peers/peers.mk` and depend on `peers`)
# SmartNoise SQL pins opendp<0.15 and pandas<3; OpenDP's Polars context needs opendp 0.16; Tumult Analytics
# (bench/sandbox_accuracy.py) pins pyspark 3.5, pandas 1.5 and numpy 1.26 and runs on a Java runtime: three venvs.
PEERS_PY ?= $(shell command -v python3.11 || command -v python3)
PEERS_DIR := bench/peers
PEERS_SN := $(PEERS_DIR)/.venv
PEERS_OD := $(PEERS_DIR)/.venv-opendp
PEERS_TM := $(PEERS_DIR)/.venv-tumult

.PHONY: peers peers-clean

peers: $(PEERS_SN)/.installed $(PEERS_OD)/.installed $(PEERS_TM)/.installed

$(PEERS_SN)/.installed: $(PEERS_DIR)/requirements-peers.txt
	@command -v $(PEERS_PY) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required for the bench peers"; exit 1; }
	test -x $(PEERS_SN)/bin/python || $(PEERS_PY) -m venv $(PEERS_SN)
	$(PEERS_SN)/bin/python -m pip install --quiet --upgrade pip==26.0
	$(PEERS_SN)/bin/python -m pip install --quiet -r $<
	@touch $@

$(PEERS_OD)/.installed: $(PEERS_DIR)/requirements-opendp.txt
	@command -v $(PEERS_PY) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required for the bench peers"; exit 1; }
	test -x $(PEERS_OD)/bin/python || $(PEERS_PY) -m venv $(PEERS_OD)
	$(PEERS_OD)/bin/python -m pip install --quiet --upgrade pip==26.0
	$(PEERS_OD)/bin/python -m pip install --quiet -r $<
	@touch $@

$(PEERS_TM)/.installed: $(PEERS_DIR)/requirements-tumult.txt
	@command -v $(PEERS_PY) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required for the bench peers"; exit 1; }
	@command -v java >/dev/null 2>&1 || { echo "Tumult Analytics 需要 Java 运行环境 / Tumult Analytics needs a Java runtime"; exit 1; }
	test -x $(PEERS_TM)/bin/python || $(PEERS_PY) -m venv $(PEERS_TM)
	$(PEERS_TM)/bin/python -m pip install --quiet --upgrade pip==26.0
	$(PEERS_TM)/bin/python -m pip install --quiet -r $<
	@touch $@

peers-clean:
	rm -rf $(PEERS_SN) $(PEERS_OD) $(PEERS_TM)
